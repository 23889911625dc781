"""debate_judges: a bounded, biased judge under each protocol (Khan et al.,
ICML 2024, Table 7 and Fig. 17 position bias; §3 and Fig. 13 majority vote;
Figs. 6 and 19 calibration).

Panels: (a) accuracy vs the number of independent noisy judgements whose
majority decides (no position bias); (b) accuracy and (c) Brier score with
no position bias, with position bias judged in both orders and averaged,
and with position bias in one random order (one judgement). headline()
gives the paired changes and the calibration table.
"""

import common
import debate_common as dc

EXPERIMENT = "debate_judges"

FIXED = {"protocol", "votes", "position_bias", "swap"}
# Bias settings, apart from the protocol colours.
SETTING_COLORS = ["#7F7F7F", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


def _extra(rows):
    return tuple(common.extra_keys(rows, FIXED))


def _settings(rows):
    """(label, position_bias, swap) of the bias comparison: no bias, then
    each nonzero bias judged in both orders and in one (swap is the CSV's
    text "true" / "false")."""
    out = [("no bias", 0.0, None)]
    for b in common.unique(rows, "position_bias"):
        if b != 0:
            out += [("bias %s, both orders" % common.fmt(b), b, "true"),
                    ("bias %s, one order" % common.fmt(b), b, "false")]
    return out


def _cells(rows, metric, bias, swap, votes):
    """{(protocol,) + extra: {replicate: value}} at one setting."""
    crit = dict(position_bias=bias, votes=votes)
    if swap is not None:
        crit["swap"] = swap
    part = common.select(rows, **crit)
    if swap is None:  # swap does not matter without bias: keep one order
        part = common.select(part, swap="true") or part
    return dc.by_cell(part, metric, ("protocol",) + _extra(rows))


def plot(rows, figures_dir):
    plt = common.use_style()
    fig, axes = plt.subplots(1, 3, figsize=(15.0, 4.4))
    extra = _extra(rows)
    votes = common.unique(rows, "votes")
    part = common.select(rows, position_bias=0.0)
    part = common.select(part, swap="true") or part
    accuracy = dc.by_cell(part, "accuracy", ("protocol",) + extra + ("votes",))
    for s in sorted({k[:-1] for k in accuracy}, key=lambda t: tuple(map(common.sort_key, t))):
        points = [(k[-1], dc.mean_ci(v)) for k, v in accuracy.items() if k[:-1] == s]
        xs = [p[0] for p in points]
        axes[0].plot(xs, [p[1][0] for p in points], marker="o", color=dc.color(s[0]),
                     label=dc.label(s[0]) + "".join(", %s" % v for v in s[1:]))
        common.band(axes[0], xs, [p[1][1] for p in points], [p[1][2] for p in points],
                    dc.color(s[0]))
    axes[0].set_xticks(votes)
    axes[0].set_xlabel("independent judgements (majority vote)")
    axes[0].set_ylabel("judge accuracy (mean, 95% CI)")
    axes[0].set_title("(a) majority vote of noisy judgements")
    settings = _settings(rows)
    for ax, metric, ylabel, title in (
            (axes[1], "accuracy", "judge accuracy (mean, 95% CI)", "(b) position bias: accuracy"),
            (axes[2], "brier", "Brier score (lower is better)", "(c) position bias: Brier score")):
        per = [_cells(rows, metric, b, sw, votes[0]) for _, b, sw in settings]
        series = sorted(set().union(*per), key=lambda t: tuple(map(common.sort_key, t)))
        dc.draw_bars(ax, [(label, SETTING_COLORS[k % len(SETTING_COLORS)],
                           [per[k].get(s) for s in series])
                          for k, (label, _, _) in enumerate(settings)])
        ax.set_xticks(range(len(series)))
        ax.set_xticklabels([dc.label(s[0]) + "".join(", %s" % v for v in s[1:]) for s in series],
                           fontsize=7)
        ax.set_ylabel(ylabel)
        ax.set_title(title + " (%s judgement%s)" % (votes[0], "" if votes[0] == 1 else "s"))
    axes[1].set_ylim(0.3, 1.0)
    for ax in axes:
        ax.legend(fontsize=7, loc="best")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _fmt_paired(a, b):
    return common.fmt_ci(*dc.paired(a, b), digits=3) if a and b else "–"


def headline(rows):
    extra = _extra(rows)
    votes = common.unique(rows, "votes")
    noise = ", ".join(map(common.fmt, common.unique(rows, "noise")))
    out = ["## debate_judges: position bias, majority vote and calibration\n\n",
           "A %s judge whose every judgement perceives each quote's strength with "
           "log-normal noise (sd %s). Paper (%s): three sampled GPT-4-Turbo "
           "judgements (majority) cut debate error by 19%% relative (+4 points) "
           "and slightly hurt consultancy (up to −0.5 point) (Fig. 13); judges "
           "show a strong position bias, so every transcript is judged in both "
           "answer orders (Table 7, Fig. 17); human judges are better calibrated "
           "(lower Brier score) in debate than in consultancy, and LLM judges are "
           "over-confident (Figs. 6, 19). %s\n\n"
           % (", ".join(map(str, common.unique(rows, "judge"))), noise, dc.PAPER,
              dc.ANALOGUE_NOTE)]
    base = {v: _cells(rows, "accuracy", 0.0, None, v) for v in votes}
    body = []
    for s in sorted(base[votes[0]], key=lambda t: tuple(map(common.sort_key, t))):
        one = base[votes[0]].get(s)
        row = [dc.label(s[0]) + "".join(", %s" % v for v in s[1:])]
        row += [dc.fmt_mean(base[v][s]) if base[v].get(s) else "–" for v in votes]
        for v in votes[1:]:
            row.append(_fmt_paired(base[v].get(s), one))
        err = 1 - dc.mean_ci(one)[0]
        last = base[votes[-1]].get(s)
        row.append("%.0f%%" % (100 * (err - (1 - dc.mean_ci(last)[0])) / err)
                   if last and err > 0 else "–")
        body.append(row)
    out.append("Majority vote (no position bias), mean accuracy [95%% CI] and paired "
               "change from one judgement; the last column is the relative error "
               "reduction at %s judgements:\n\n" % votes[-1])
    out.append(common.markdown_table(
        ["protocol"] + ["%s vote%s" % (v, "" if v == 1 else "s") for v in votes]
        + ["Δ (%s − 1)" % v for v in votes[1:]] + ["error cut"],
        body, "l" + "r" * (2 * len(votes))))
    settings = _settings(rows)
    body = []
    per = {m: [_cells(rows, m, b, sw, votes[0]) for _, b, sw in settings]
           for m in ("accuracy", "brier", "calibration_error", "argmax_accuracy",
                     "selective_accuracy_50")}
    for s in sorted(per["accuracy"][0], key=lambda t: tuple(map(common.sort_key, t))):
        for k, (label, _, _) in enumerate(settings):
            cells = [per[m][k].get(s) for m in per]
            body.append([dc.label(s[0]) + "".join(", %s" % v for v in s[1:]), label]
                        + [dc.fmt_mean(c) if c else "–" for c in cells]
                        + [_fmt_paired(per["accuracy"][k].get(s), per["accuracy"][0].get(s))
                           if k else "–"])
    out.append("\nPosition bias and calibration (%s judgement%s): accuracy is the mean "
               "P(true answer); Brier score, expected calibration error (10 bins), "
               "accuracy of the judge's more likely answer, and that accuracy on the "
               "half of the judgements with the highest confidence:\n\n"
               % (votes[0], "" if votes[0] == 1 else "s"))
    out.append(common.markdown_table(
        ["protocol", "judge", "accuracy", "Brier", "ECE", "argmax accuracy",
         "selective (50%)", "Δ accuracy vs no bias"], body, "ll" + "r" * 6))
    return "".join(out) + "\n"
