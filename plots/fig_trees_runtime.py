"""trees_runtime: each learner's run time relative to Meta-CMAB on the same
rounds (same data set, N, R, g and replicate), log scale: (A) against R at
g = 2, (B) against g at R = 1, as in the authors' timing figure. A point is
the geometric mean of per-run ratios with its 95% CI; the values read off
the authors' figure are hollow markers.

headline() tabulates ours beside the paper's and checks, as measured, that
the non-incremental tree is the slowest learner at the largest g.
"""

import common
import trees_common as tc

EXPERIMENT = "trees_runtime"


def _ratios(rows):
    """{(learner, R, g, *panels): [ratio per run]} against meta_cmab."""
    panels = tc.panel_keys(rows, {"learner", "g", "R"})
    seconds = tc.runs(rows, "seconds", ("learner", "R", "g") + panels)
    out = {}
    for key, per_run in seconds.items():
        reference = seconds.get(("meta_cmab",) + key[1:], {})
        ratios = [t / reference[run] for run, t in per_run.items()
                  if run in reference and reference[run] > 0]
        if ratios:
            out[key] = ratios
    return panels, out


def _series(ratios, learner, fixed, varying, value):
    """Points (x, (mean, low, high)) of ``learner`` along ``varying`` with
    the other of (R, g) equal to ``value``."""
    index = {"R": 1, "g": 2}
    keys = sorted((k for k in ratios if k[0] == learner and k[index[fixed]] == value),
                  key=lambda k: k[index[varying]])
    return [(k[index[varying]], tc.geometric_ci(ratios[k])) for k in keys]


def plot(rows, figures_dir):
    plt = common.use_style()
    _, ratios = _ratios(rows)
    learners = tc.order_learners({k[0] for k in ratios})
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    for ax, (fixed, value, varying, paper, title) in zip(axes, (
            ("g", 2, "R", tc.PAPER_TIME_BY_R, "(A) vs regions R, g = 2"),
            ("R", 1, "g", tc.PAPER_TIME_BY_G, "(B) vs visible width g, R = 1"))):
        for learner in learners:
            points = _series(ratios, learner, fixed, value, varying)
            if not points:
                continue
            xs = [p[0] for p in points]
            ax.plot(xs, [p[1][0] for p in points], "o-", color=tc.color(learner),
                    label=tc.label(learner), ms=4)
            common.band(ax, xs, [p[1][1] for p in points], [p[1][2] for p in points],
                        tc.color(learner))
            column = tc.paper_column(learner)
            if column in paper:
                ref = [(x, paper[column][x]) for x in xs if x in paper[column]]
                ax.plot([r[0] for r in ref], [r[1] for r in ref], ":o", mfc="none", lw=0.8,
                        color=tc.color(learner), ms=5)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel(varying)
        ax.set_title(title)
    axes[0].set_ylabel("run time / Meta-CMAB's (geometric mean, 95% CI)")
    axes[1].legend(fontsize=7, loc="upper left")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    panels, ratios = _ratios(rows)
    learners = tc.order_learners({k[0] for k in ratios})
    out = ["## trees_runtime: run time relative to Meta-CMAB\n\n",
           "Thread CPU time of a learner's T rounds over Meta-CMAB's on the same rounds "
           "(geometric mean [95%% CI] over runs: %s), beside the paper's ratio in "
           "parentheses (%s). %s Timings are of this machine and this run (a measured "
           "experiment).\n\n" % (tc.pooled_text(rows), tc.PAPER, tc.PAPER_NOTE)]
    body = []
    for fixed, value, varying, paper in (("g", 2, "R", tc.PAPER_TIME_BY_R),
                                         ("R", 1, "g", tc.PAPER_TIME_BY_G)):
        xs = sorted({k[1 if varying == "R" else 2] for k in ratios
                     if k[2 if fixed == "g" else 1] == value})
        for x in xs:
            line = ["%s = %s, %s = %s" % (fixed, value, varying, x)]
            for learner in learners:
                key = next((k for k in ratios if k[0] == learner and
                            k[1] == (x if varying == "R" else value) and
                            k[2] == (value if varying == "R" else x)), None)
                text = "%.1f" % tc.geometric_ci(ratios[key])[0] if key else "–"
                column = tc.paper_column(learner)
                if column in paper and x in paper[column]:
                    text += " (%g)" % paper[column][x]
                line.append(text)
            body.append(line)
    out.append(common.markdown_table(["cell"] + [tc.label(l) for l in learners], body,
                                     "l" + "r" * len(learners)))
    top_g = max((k[2] for k in ratios if k[1] == 1), default=None)
    if top_g is not None:
        at = {k[0]: tc.geometric_ci(v)[0] for k, v in ratios.items() if k[1] == 1 and k[2] == top_g}
        slowest = max(at, key=at.get)
        out.append("\nSlowest learner at R = 1, g = %s: %s (%.1f× Meta-CMAB; paper: the "
                   "non-incremental Expertise Tree, ≈ 800×): %s.\n"
                   % (top_g, tc.label(slowest), at[slowest],
                      "holds" if tc.canonical(slowest) == "expertise_tree" else "does NOT hold"))
    return "".join(out)
