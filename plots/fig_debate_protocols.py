"""debate_protocols: judge accuracy with no help, consultancy and debate,
per judge, beside the full-disclosure (expert-judge) topline and the
paper's LLM and human numbers.

Bars: mean accuracy over replicates with 95% CIs, grouped by judge, one
panel per naive edge (and per any other varying parameter). headline()
tabulates each protocol beside the paper's, and checks the ordering
debate > consultancy > naive with paired differences (every protocol of a
replicate meets the same questions).
"""

import common
import debate_common as dc

EXPERIMENT = "debate_protocols"


def _panel_keys(rows):
    return ("naive_edge",) + tuple(common.extra_keys(rows, {"protocol", "judge", "naive_edge"}))


def plot(rows, figures_dir):
    plt = common.use_style()
    panels = _panel_keys(rows)
    accuracy = dc.by_cell(rows, "accuracy", panels + ("judge", "protocol"))
    expert = dc.by_cell(rows, "theory.expert", panels + ("judge",))
    panel_values = sorted({k[:len(panels)] for k in accuracy},
                          key=lambda t: tuple(common.sort_key(v) for v in t))
    protocols = common.unique(rows, "protocol")
    fig, axes = plt.subplots(1, len(panel_values), figsize=(5.2 * len(panel_values), 4.2),
                             squeeze=False)
    for ax, panel in zip(axes[0], panel_values):
        judges = sorted({k[len(panels)] for k in accuracy if k[:len(panels)] == panel},
                        key=common.sort_key)
        dc.draw_bars(ax, [(dc.label(protocol), dc.color(protocol),
                           [accuracy.get(panel + (judge, protocol)) for judge in judges])
                          for protocol in protocols])
        for j, judge in enumerate(judges):
            top = expert.get(panel + (judge,))
            if top:
                ax.plot([j - 0.45, j + 0.45], [dc.mean_ci(top)[0]] * 2, color="0.2",
                        linestyle="--", linewidth=1.0,
                        label="full disclosure (expert judge)" if j == 0 else None)
        ax.axhline(0.5, color="0.6", linestyle=":", linewidth=0.9)
        ax.set_xticks(range(len(judges)))
        ax.set_xticklabels(["%s judge" % j for j in judges])
        ax.set_ylim(0.3, 1.0)
        ax.set_ylabel("judge accuracy (mean, 95% CI)")
        ax.set_title(common.describe_keys(panels, panel))
        ax.legend(fontsize=7, loc="upper left")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    panels = _panel_keys(rows)
    keys = panels + ("judge",)
    accuracy = {p: dc.by_cell(common.select(rows, protocol=p), "accuracy", keys)
                for p in common.unique(rows, "protocol")}
    expert = dc.by_cell(rows, "theory.expert", keys)
    out = ["## debate_protocols: judge accuracy by protocol\n\n",
           "Mean judge accuracy (probability of picking the true answer) over "
           "the questions of a replicate, mean over replicates [95%% CI]; "
           "every protocol of a replicate meets the same questions. Paper "
           "(%s): naive / consultancy / debate = 48%% / 54%% / 76%% for a "
           "GPT-4-Turbo judge and 60%% / 78%% / 88%% for human judges; an LLM "
           "judge with the story reaches %.1f%%. naive_edge = 0 stands for "
           "the LLM judge, 0.1 for the human one. %s\n\n"
           % (dc.PAPER, 100 * dc.PAPER_EXPERT, dc.ANALOGUE_NOTE)]
    protocols = [p for p in ("naive", "consultancy", "debate") if p in accuracy]
    body = []
    for key in expert:
        cells = [accuracy[p].get(key, {}) for p in protocols]
        body.append([common.describe_keys(keys, key)]
                    + [dc.fmt_mean(c) if c else "–" for c in cells]
                    + [dc.fmt_mean(expert[key])])
    out.append(common.markdown_table(["cell"] + protocols + ["full disclosure"], body,
                                     "l" + "r" * (len(protocols) + 1)))
    if {"naive", "consultancy", "debate"} <= set(accuracy):
        out.append("\nPaired differences (debate − consultancy, consultancy − naive) "
                   "[95% CI]; the claim holds in a cell when the interval is above 0:\n\n")
        body = []
        for key in expert:
            d, c, n = (accuracy[p].get(key, {}) for p in ("debate", "consultancy", "naive"))
            dc_mean, dc_low, dc_high = dc.paired(d, c)
            cn_mean, cn_low, cn_high = dc.paired(c, n)
            body.append([common.describe_keys(keys, key),
                         common.fmt_ci(dc_mean, dc_low, dc_high, digits=3),
                         "holds" if dc_low > 0 else "does not hold",
                         common.fmt_ci(cn_mean, cn_low, cn_high, digits=3),
                         "holds" if cn_low > 0 else "does not hold"])
        out.append(common.markdown_table(
            ["cell", "debate − consultancy", "debate > consultancy",
             "consultancy − naive", "consultancy > naive"], body, "lrlrl"))
    return "".join(out) + "\n"
