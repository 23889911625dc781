"""debate_sweeps: self-play judge accuracy as one knob moves away from the
default while the others stay at it: the judge's credulity toward
unverified quotes, the refutability of true evidence, and the judge's
verbosity bias (Khan et al., ICML 2024, App. A.6-A.7, Fig. 15-16).

One panel per knob, one line per protocol (and best-of-N and any other
varying key), with 95% bands. A knob's baseline is its most common value in
the results (the zipped one-at-a-time config puts every other knob there).
headline() tabulates each slice and the paired change from its first to its
last value.
"""

import common
import debate_common as dc

EXPERIMENT = "debate_sweeps"

KNOBS = (("credulity", "judge's credulity toward unverified quotes"),
         ("refutable_true", "P(a true item is refutable)"),
         ("verbosity", "judge's verbosity bias (score per quote)"))


def _knobs(rows):
    return [(k, text) for k, text in KNOBS if rows and k in rows[0]]


def _baseline(rows, key):
    counts = {}
    for r in rows:
        counts[r[key]] = counts.get(r[key], 0) + 1
    return max(counts, key=lambda v: (counts[v], -common.sort_key(v)[1]))


def _slice(rows, knob, knobs):
    """Rows where every knob but ``knob`` sits at its baseline, with the
    other knobs dropped from the columns (so they never split a line)."""
    fixed = {k: _baseline(rows, k) for k, _ in knobs if k != knob}
    out = []
    for r in common.select(rows, **fixed):
        r = dict(r)
        for k in fixed:
            r[k] = "baseline"
        out.append(r)
    return out


def plot(rows, figures_dir):
    plt = common.use_style()
    knobs = _knobs(rows)
    fig, axes = plt.subplots(1, len(knobs), figsize=(5.6 * len(knobs), 4.4), squeeze=False)
    for ax, (knob, text) in zip(axes[0], knobs):
        dc.draw_lines(ax, _slice(rows, knob, knobs), knob, text, "Accuracy vs %s" % knob)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    knobs = _knobs(rows)
    out = ["## debate_sweeps: judge accuracy vs credulity, truth asymmetry and verbosity\n\n",
           "Self-play judge accuracy (%s judge) as one knob moves from its "
           "default (credulity %s, refutable_true %s, verbosity %s). Paper (%s): "
           "without verified quotes accuracy is lower in both protocols, because "
           "liars lie more easily (App. A.6, Fig. 15); debate's benefit rests on "
           "truth being easier to argue (§3); LLM judges favour longer "
           "arguments (App. A.7, Fig. 16). The paper's claims map to: accuracy "
           "falls as credulity rises (both protocols), debate accuracy falls as "
           "true evidence becomes as refutable as misleading evidence, and a "
           "verbosity-biased judge is easier to mislead. %s\n\n"
           % (", ".join(map(str, common.unique(rows, "judge"))),
              *[common.fmt(_baseline(rows, k)) for k, _ in KNOBS if k in rows[0]],
              dc.PAPER, dc.ANALOGUE_NOTE)]
    for knob, text in knobs:
        part = _slice(rows, knob, knobs)
        series = dc.line_keys(part, knob)
        accuracy = dc.by_cell(part, "accuracy", series + (knob,))
        xs = common.unique(part, knob)
        body = []
        for s in sorted({k[:-1] for k in accuracy},
                        key=lambda t: tuple(common.sort_key(v) for v in t)):
            cells = [accuracy.get(s + (x,)) for x in xs]
            row = [common.describe_keys(series, s)] + [dc.fmt_mean(c) if c else "–"
                                                      for c in cells]
            if cells[0] and cells[-1]:
                mean, low, high = dc.paired(cells[-1], cells[0])
                row += [common.fmt_ci(mean, low, high, digits=3),
                        "falls" if high < 0 else "rises" if low > 0 else "flat (CI covers 0)"]
            else:
                row += ["–", "–"]
            body.append(row)
        out.append("**%s** (%s)\n\n" % (knob, text))
        out.append(common.markdown_table(
            ["series"] + ["%s" % common.fmt(x) for x in xs]
            + ["Δ (%s − %s)" % (common.fmt(xs[-1]), common.fmt(xs[0])), "verdict"],
            body, "l" + "r" * (len(xs) + 1) + "l"))
        out.append("\n")
    return "".join(out)
