"""trees_regions: average reward over T rounds against the number of
expertise regions R, one panel per visible width g, every learner, pooled
over data sets, N and seeds as the authors pool (means with 95% CIs), with
the values read off the authors' figure as hollow markers and the region
Bayes reward (theory.bayes_reward, theory/trees_reward.h) as a dotted line.

headline() tabulates ours beside the paper's per (g, R) and states the
qualitative checks as measured: Meta-CMAB falls with R; the trees track the
oracle best at large g; nearest-neighbour learners (when run) degrade with g.
"""

import common
import trees_common as tc

EXPERIMENT = "trees_regions"


def _table(rows, panels):
    return tc.runs(rows, "average_reward", ("learner", "g") + panels + ("R",))


def _points(table, learner, g, panel):
    keys = sorted((k for k in table if k[0] == learner and k[1] == g and k[2:-1] == panel),
                  key=lambda k: k[-1])
    return [k[-1] for k in keys], [tc.mean_ci(table[k]) for k in keys]


def plot(rows, figures_dir):
    plt = common.use_style()
    panels = tc.panel_keys(rows, {"learner", "g", "R"})
    table = _table(rows, panels)
    bayes = tc.runs(rows, "theory.bayes_reward", panels)
    cells = sorted({(k[1],) + k[2:-1] for k in table},
                   key=lambda t: tuple(common.sort_key(v) for v in t))
    learners = tc.order_learners({k[0] for k in table})
    cols = min(len(cells), 4)
    nrows = (len(cells) + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(4.2 * cols, 3.8 * nrows), squeeze=False,
                             sharey=True)
    for ax, cell in zip(axes.flat, cells):
        g, panel = cell[0], cell[1:]
        for learner in learners:
            xs, stats = _points(table, learner, g, panel)
            if not xs:
                continue
            mean = [s[0] for s in stats]
            ax.plot(xs, mean, "o-", color=tc.color(learner), label=tc.label(learner), ms=4)
            common.band(ax, xs, [s[1] for s in stats], [s[2] for s in stats], tc.color(learner))
            column = tc.paper_column(learner)
            paper = [(r, tc.PAPER_REWARD[(g, r)][[c for _, c in tc.PAPER_COLUMNS].index(column)])
                     for r in xs if column and (g, r) in tc.PAPER_REWARD]
            if paper:
                ax.plot([p[0] for p in paper], [p[1] for p in paper], linestyle=":", marker="o",
                        mfc="none", color=tc.color(learner), lw=0.8, ms=5)
        if panel in bayes:
            ax.axhline(tc.mean_ci(bayes[panel])[0], color="0.5", linestyle="--", lw=0.9,
                       label="region Bayes reward (theory)")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("regions R")
        ax.set_title(common.describe_keys(("g",) + panels, cell))
        ax.set_ylim(0.3, 1.02)
    for ax in axes.flat[len(cells):]:
        ax.set_visible(False)
    axes[0][0].set_ylabel("average reward (mean, 95% CI)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    handles.append(plt.Line2D([], [], color="0.3", linestyle=":", marker="o", mfc="none"))
    labels.append("paper (read off its figure)")
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4), fontsize=8,
               bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _mean(table, learner, predicate):
    values = [v for k, runs in table.items() if k[0] == learner and predicate(k)
              for v in runs.values()]
    return common.mean_ci(values)


def _checks(table):
    learners = {k[0] for k in table}
    gs = sorted({k[1] for k in table})
    rs = sorted({k[-1] for k in table})
    out = []
    if "meta_cmab" in learners and 1 in rs and max(rs) > 1:
        one = _mean(table, "meta_cmab", lambda k: k[-1] == 1)
        many = _mean(table, "meta_cmab", lambda k: k[-1] > 1)
        holds = many[2] < one[1] - 0.1 and abs(many[0] - 0.5) < 0.05
        out.append("- Meta-CMAB falls with R: %s at R = 1, %s at R ≥ 4 (paper ≈ 0.89 → 0.50): %s."
                   % (tc.fmt_ci(*one), tc.fmt_ci(*many), "holds" if holds else "does NOT hold"))
    if {"expertise_tree", "oracle"} <= learners and max(rs) > 1:
        g_top = max(gs)
        lines = []
        for spec in tc.order_learners(learners - {"oracle"}):
            gap = [v for r in rs if r > 1
                   for v in (_paired_gap(table, spec, "oracle", g_top, r))]
            m = common.mean_ci(gap)
            lines.append((m[0], spec, m))
        lines.sort(reverse=True)
        best = lines[0][1]
        out.append("- At the largest g = %s (R ≥ 4), reward minus the oracle's (paired per run): %s; "
                   "closest to the oracle: %s (paper: the Expertise Tree): %s."
                   % (g_top, "; ".join("%s %s" % (tc.label(s), tc.fmt_ci(*m)) for _, s, m in lines),
                      tc.label(best),
                      "holds" if tc.canonical(best).startswith("expertise_tree") else "does NOT hold"))
    knn = sorted(l for l in learners if tc.canonical(l).startswith("knn"))
    for spec in knn:
        if len(gs) > 1 and max(rs) > 1:
            low = _mean(table, spec, lambda k: k[1] == min(gs) and k[-1] > 1)
            high = _mean(table, spec, lambda k: k[1] == max(gs) and k[-1] > 1)
            out.append("- %s degrades with g (R ≥ 4): %s at g = %s, %s at g = %s: %s."
                       % (tc.label(spec), tc.fmt_ci(*low), min(gs), tc.fmt_ci(*high), max(gs),
                          "holds" if high[2] < low[1] else "does NOT hold"))
    return out


def _paired_gap(table, spec, reference, g, r):
    mine = next((v for k, v in table.items() if k[0] == spec and k[1] == g and k[-1] == r), {})
    ref = next((v for k, v in table.items() if k[0] == reference and k[1] == g and k[-1] == r), {})
    return [mine[run] - ref[run] for run in mine if run in ref]


def headline(rows):
    panels = tc.panel_keys(rows, {"learner", "g", "R"})
    table = _table(rows, panels)
    bayes = tc.runs(rows, "theory.bayes_reward", ())
    learners = tc.order_learners({k[0] for k in table})
    out = ["## trees_regions: average reward vs regions R, per visible width g\n\n",
           "Average reward over T = %s rounds (mean [95%% CI] over runs: %s), beside the "
           "value read off the authors' figure in parentheses (%s). %s The region Bayes "
           "reward (every expert's honesty known, theory/trees_reward.h) pooled over these "
           "runs is %s: the ceiling of every learner's expected reward.\n\n"
           % (", ".join(str(t) for t in common.unique(rows, "T")), tc.pooled_text(rows),
              tc.PAPER, tc.PAPER_NOTE,
              common.fmt(tc.mean_ci(bayes.get((), {}))[0]) if bayes else "–")]
    body = []
    cells = sorted({k[1:] for k in table}, key=lambda t: tuple(common.sort_key(v) for v in t))
    for cell in cells:
        g, r = cell[0], cell[-1]
        line = [common.describe_keys(("g",) + panels, cell[:-1]), str(r)]
        for learner in learners:
            runs = table.get((learner,) + cell)
            text = "%.2f" % tc.mean_ci(runs)[0] if runs else "–"
            column = tc.paper_column(learner)
            if column and (g, r) in tc.PAPER_REWARD:
                text += " (%.2f)" % tc.PAPER_REWARD[(g, r)][[c for _, c in tc.PAPER_COLUMNS].index(column)]
            line.append(text)
        body.append(line)
    out.append(common.markdown_table(["cell", "R"] + [tc.label(l) for l in learners], body,
                                     "lr" + "r" * len(learners)))
    checks = _checks(table)
    if checks:
        out.append("\nQualitative checks, as measured:\n\n" + "\n".join(checks) + "\n")
    return "".join(out)
