"""leader_trap: mean-regret vs T for leader selection vs the baseline pool
on the leader-trap sequence (window W = T^{2/3}).

One line per learner (mean with its 95% band) and the trapped prediction
(1/2 + delta) T. headline() fits slopes in T against the experiment's
theory rows: 1 (linear) for leader selection, 2/3 for the baseline pool.
"""

import common
import experts_common as ec

EXPERIMENT = "leader_trap"
KEYS = ("learner", "n", "memory", "delta")


def plot(rows, figures_dir):
    plt = common.use_style()
    regret = ec.finals(rows, "mean_regret", KEYS, "T")
    linear = ec.finals(rows, "linear", KEYS[1:], "T")
    panels = sorted({k[1:] for k in regret}, key=str)
    fig, axes = ec.panel_axes(plt, panels)
    for ax, panel in zip(axes, panels):
        ax.set_xscale("log", base=2)
        ax.set_yscale("symlog", linthresh=100)
        ax.grid(True)
        ec.plot_learners(ax, rows, regret, panel)
        ec.plot_reference(ax, linear, panel, ":", "0.3", "(1/2 + δ) T (trapped)")
        anchor = next((regret[k] for k in regret if k[1:] == panel and
                       ec.learner_key(k[0]) == "baseline_pool"), None)
        if anchor:
            bx, bm, _, _ = anchor.means()
            ax.plot(bx, bm[-1] * (bx / bx[-1]) ** (2 / 3), "--",
                    color="0.6", lw=0.9, label="∝ T^{2/3}")
        ax.set_xlabel("horizon T (days)")
        ax.set_ylabel("mean-regret at T (symlog)")
        ax.set_title(ec.panel_title(rows, KEYS[1:], "T", panel,
                                    "n = %s, S = %s, δ = %s, W = ⌈T^{2/3}⌉" % panel[:3]),
                     fontsize=9)
    axes[0].legend(fontsize=7, loc="upper left")
    common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    reps = len(common.unique(rows, "replicate"))
    ts = common.unique(rows, "T")
    out = ["## leader_trap: leader selection vs the baseline pool\n\n",
           "Mean-regret against i* at T ∈ {%s}, window and epoch W = "
           "⌈T^{2/3}⌉, %d replicates. The trap sequence and both selection "
           "rules are our reconstruction (PZ23-*inspired*): decoys with one "
           "perfect window and two all-loss windows. Predictions (the "
           "experiment's theory rows): slope 1 (linear) for leader selection, "
           "2/3 for the baseline pool (~√(W ln k) per window × T/W windows). "
           "%s\n\n" % (", ".join(str(t) for t in ts), reps, common.VERDICT_RULE)]
    body, disagree = [], []
    for entry in ec.slope_table(rows, "mean_regret", KEYS, "T"):
        _, n, memory, delta = entry["key"][:4]
        xs, m, _, _ = entry["curve"].means()
        body.append([entry["label"], n, memory, delta, ec.fmt_slope(entry["fit"]),
                     ec.fmt_theory(entry["expected"]), entry["verdict"],
                     "%.3f" % (m[-1] / xs[-1])])
        if entry["verdict"] == "DISAGREES":
            disagree.append(entry["label"])
    out.append(common.markdown_table(
        ["learner", "n", "S", "δ", "slope in T [95% CI]", "theory", "verdict",
         "R/T at T max"], body, "lrrrlllr"))
    out.append("\n")
    if disagree:
        out.append("**Disagreements:** " + "; ".join(disagree) + ".\n")
    out.append("The multiscale pool (continuous Hedge) rides the decoys while "
               "they are hot and has negative regret against i*: no slope is "
               "predicted for it.\n")
    return "".join(out)
