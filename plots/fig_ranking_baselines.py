"""ranking_baselines: queries of every policy on the same instances, dense
(s = d), sparse (s = √d) and one informative task per adjacent pair (s = 1),
for the full ranking (Active-ranking, uniform, Heckel et al.'s Borda AR,
iterative insertion after Ren et al.) and
the best expert (Best-expert, uniform, successive elimination, LUCB).

Figure: one panel per goal, grouped bars of mean queries (log scale, 95%
t-interval whiskers) per instance. headline(): per goal, a table of mean
queries with each baseline's advantage ratio against the active method,
the geometric mean over replicates of baseline / active on the same
instance and noise (paired), with its 95% t-interval on the log scale.
"""

import math

import numpy as np

import common
import ranking_common as rc

EXPERIMENT = "ranking_baselines"
ACTIVE = {"ranking": "active_ranking", "best": "best_expert"}
SUPPORTS = ("dense", "sqrt", "single")


def _by_cell(rows):
    """{goal: {(support, policy): {replicate: record}}}."""
    out = {}
    for rec in rc.items(rows, ("policy", "goal", "support")):
        cell = out.setdefault(rec["goal"], {}).setdefault((rec["support"], rec["policy"]), {})
        cell[rec["replicate"]] = rec
    return out


def _policies(cells):
    """Policies of one goal, the active one first."""
    return sorted({p for _, p in cells}, key=lambda p: (rc.name(p) not in ACTIVE.values(), p))


def _advantage(baseline, active):
    """Geometric mean over shared replicates of baseline / active queries,
    with the 95% t-interval of the mean log ratio."""
    shared = sorted(set(baseline) & set(active))
    logs = [math.log(baseline[r]["queries"] / active[r]["queries"]) for r in shared]
    mean, low, high = common.mean_ci(logs)
    return tuple(math.exp(v) if math.isfinite(v) else math.nan for v in (mean, low, high))


def plot(rows, figures_dir):
    plt = common.use_style()
    by_goal = _by_cell(rows)
    goals = [g for g in ("ranking", "best") if g in by_goal]
    fig, axes = plt.subplots(1, len(goals), figsize=(5.6 * len(goals), 4.2), squeeze=False)
    for ax, goal in zip(axes.flat, goals):
        cells = by_goal[goal]
        policies = _policies(cells)
        supports = [s for s in SUPPORTS if any(k[0] == s for k in cells)]
        width = 0.8 / len(policies)
        for p_index, policy in enumerate(policies):
            stats = [common.mean_ci([r["queries"] for r in cells.get((s, policy), {}).values()])
                     for s in supports]
            xs = np.arange(len(supports)) + (p_index - (len(policies) - 1) / 2) * width
            means = np.array([m for m, _, _ in stats])
            errors = np.array([[m - lo for m, lo, _ in stats], [hi - m for m, _, hi in stats]])
            ax.bar(xs, means, width, color=rc.color(policy), label=rc.label(policy),
                   yerr=np.clip(errors, 0, None), capsize=2)
        ax.set_yscale("log")
        ax.set_xticks(range(len(supports)))
        ax.set_xticklabels([rc.SUPPORT_LABELS[s] for s in supports])
        ax.set_ylabel("queries (mean, 95% CI)")
        ax.set_title("goal: %s" % ("full ranking" if goal == "ranking" else "best expert"))
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle("Queries of every policy on the same instances (%s)" % rc.instance_text(rows))
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    by_goal = _by_cell(rows)
    out = ["## ranking_baselines: every policy on the same instances\n\n",
           "Queries to stop on stacked-gaps instances with %s, δ = %s: "
           "dense (s = d), sparse "
           "(s = √d) and one informative task per adjacent pair (s = 1). "
           "Every policy of a replicate meets the same instance and samples, "
           "so the advantage of the active method (%s) is a paired ratio: the "
           "geometric mean over replicates of baseline / active queries with "
           "its 95%% t-interval (log scale); above 1 the active method is "
           "cheaper. Successive elimination and LUCB pull an expert on a "
           "random task (row means, sub-Gaussian constant from their range "
           "parameter); Heckel et al.'s AR and the iterative insertion "
           "(reconstructed after Ren, Liu & Shroff, NeurIPS 2019: noisy binary "
           "search with backtracking, verified positions) compare two experts "
           "on a random task (Borda scores with a Hoeffding radius in place of "
           "Heckel et al.'s LIL radius). %s\n\n"
           % (rc.instance_text(rows), ", ".join(map(str, common.unique(rows, "delta"))),
              rc.PAPER, rc.RECONSTRUCTION_NOTE)]
    for goal in ("ranking", "best"):
        cells = by_goal.get(goal)
        if not cells:
            continue
        policies = _policies(cells)
        supports = [s for s in SUPPORTS if any(k[0] == s for k in cells)]
        body = []
        for policy in policies:
            row = [rc.label(policy)]
            for support in supports:
                cell = cells.get((support, policy), {})
                active = cells.get((support, ACTIVE[goal]), {})
                queries = common.fmt(float(np.mean([r["queries"] for r in cell.values()])))
                wrong = sum(1 for r in cell.values() if r["correct"] != 1)
                if wrong:
                    queries += " (%d wrong or not stopped)" % wrong
                row.append(queries)
                if rc.name(policy) == ACTIVE[goal] or not active:
                    row.append("1")
                else:
                    mean, low, high = _advantage(cell, active)
                    row.append("%s [%s, %s]" % (common.fmt(mean), common.fmt(low),
                                                common.fmt(high)))
            body.append(row)
        headers = ["policy"]
        for s in supports:
            headers += ["queries, %s" % rc.SUPPORT_LABELS[s], "× active, %s" % rc.SUPPORT_LABELS[s]]
        out.append("Goal: %s.\n\n" % ("full ranking" if goal == "ranking" else "best expert"))
        out.append(common.markdown_table(headers, body, align="l" + "r" * (2 * len(supports))))
        out.append("\n")
    return "".join(out)
