"""Helpers shared by the debate figures (fig_debate_*.py): protocol
labels and colours, per-replicate values of a metric by cell, the paper's
numbers, and the accuracy-vs-x lines several studies draw.

Every debate experiment but debate_elo records one value per metric per
(cell, replicate) at step 0 (experiments/debate_cell.h).
"""

import numpy as np

import common

PAPER = ("Khan et al., \"Debating with More Persuasive LLMs Leads to More "
         "Truthful Answers\", ICML 2024")

# Judge accuracy naive / consultancy / debate (ibid., §1, §3-4), and the
# expert-judge topline (an LLM judge that reads the story).
PAPER_ACCURACY = {"LLM judge (GPT-4-Turbo)": (0.48, 0.54, 0.76),
                  "human judge": (0.60, 0.78, 0.88)}
PAPER_EXPERT = 0.925

ANALOGUE_NOTE = (
    "An analogue, not a reproduction: language models are replaced by a "
    "stochastic evidence model (algorithms/debate/world.h): experts recall "
    "hidden evidence items, quote, refute and fabricate; the judge sees only "
    "the transcript and checks only whether a quote is verbatim.")

COLORS = {"naive": "#7F7F7F", "consultancy": "#D55E00", "debate": "#0072B2"}
LABELS = {"naive": "naive judge (no help)", "consultancy": "consultancy", "debate": "debate"}
_PALETTE = common.Palette(COLORS)


def name(spec):
    return common.parse_spec(spec)[0]


def label(spec):
    return common.label(spec, LABELS)


def color(spec):
    return _PALETTE(str(spec))


def by_cell(rows, metric, keys):
    """{key tuple: {replicate: value}} of ``metric``."""
    out = {}
    for r in rows:
        if r["metric"] == metric:
            out.setdefault(tuple(r[k] for k in keys), {})[r["replicate"]] = r["value"]
    return dict(sorted(out.items(), key=lambda kv: tuple(common.sort_key(v) for v in kv[0])))


def mean_ci(per_replicate):
    return common.mean_ci(list(per_replicate.values()))


def paired(a, b):
    """Mean and 95% CI of a − b over the replicates both have (common
    random numbers: one replicate's cells share their questions)."""
    shared = sorted(set(a) & set(b))
    return common.mean_ci([a[r] - b[r] for r in shared])


def fmt_mean(per_replicate):
    mean, low, high = mean_ci(per_replicate)
    return common.fmt_ci(mean, low, high, digits=3)


def draw_bars(ax, bars):
    """Grouped bars with 95% CIs: ``bars`` is a list of (label, colour,
    cells), cells[j] the {replicate: value} of group j (None: no bar);
    group j is centred at x = j."""
    width = 0.8 / max(len(bars), 1)
    for k, (label_text, colour, cells) in enumerate(bars):
        xs, means, errs = [], [], []
        for j, cell in enumerate(cells):
            if not cell:
                continue
            mean, low, high = mean_ci(cell)
            xs.append(j + (k - (len(bars) - 1) / 2) * width)
            means.append(mean)
            errs.append([mean - low, high - mean])
        ax.bar(xs, means, width, yerr=np.array(errs).T if errs else None,
               color=colour, label=label_text, capsize=2)


def line_keys(rows, x):
    """Series keys of an accuracy-vs-x figure: protocol, bon, then every
    other parameter that varies."""
    return ("protocol", "bon") + tuple(common.extra_keys(rows, {"protocol", "bon", x}))


def plot_lines(rows, figures_dir, experiment, x, xlabel, title):
    """Accuracy vs ``x``, one line per (protocol, bon, extra keys) with its
    95% band, and the expert topline (theory.expert) dashed."""
    plt = common.use_style()
    fig, ax = plt.subplots(figsize=(6.0, 4.4))
    draw_lines(ax, rows, x, xlabel, title)
    return common.save_figure(fig, figures_dir, experiment)


def draw_lines(ax, rows, x, xlabel, title):
    """plot_lines' content, drawn on ``ax``."""
    keys = line_keys(rows, x)
    accuracy = by_cell(rows, "accuracy", keys + (x,))
    expert = by_cell(rows, "theory.expert", keys + (x,))
    series = sorted({k[:-1] for k in accuracy}, key=lambda t: tuple(common.sort_key(v) for v in t))
    styles = ["-", "--", ":", "-."]
    bons = sorted({s[1] for s in series})
    for s in series:
        points = [(k[-1], mean_ci(v)) for k, v in accuracy.items() if k[:-1] == s]
        xs = [p[0] for p in points]
        ax.plot(xs, [p[1][0] for p in points], marker="o", color=color(s[0]),
                linestyle=styles[bons.index(s[1]) % len(styles)],
                label="%s, best-of-%s%s" % (label(s[0]), s[1],
                                            "".join(", %s" % v for v in s[2:])))
        common.band(ax, xs, [p[1][1] for p in points], [p[1][2] for p in points], color(s[0]))
    # The topline depends on the world and judge only: one line when x
    # leaves it unchanged, else a curve over x.
    tops = {}
    for k, v in expert.items():
        tops.setdefault(k[-1], []).append(mean_ci(v)[0])
    xs = sorted(tops, key=common.sort_key)
    levels = [sum(tops[x]) / len(tops[x]) for x in xs]
    if levels and max(levels) - min(levels) < 1e-9:
        ax.axhline(levels[0], color="0.3", linestyle="--", linewidth=0.9,
                   label="full disclosure (expert-judge topline)")
    elif levels:
        ax.plot(xs, levels, color="0.3", linestyle="--", linewidth=0.9,
                label="full disclosure (expert-judge topline)")
    ax.axhline(0.5, color="0.6", linestyle=":", linewidth=0.9)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("judge accuracy (mean, 95% CI)")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="lower left")
