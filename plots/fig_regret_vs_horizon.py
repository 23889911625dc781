"""regret_vs_horizon: mean-regret vs T (log-log) for fixed n and memory S.

One panel per (instance, n, S); one line per learner (mean final regret per
horizon with bootstrap 95% band), the Hedge bound sqrt(T ln n / 2) and the
single-scale prediction T^{2/3} (n/m)^{1/3} from the experiment's rows.
headline() fits slopes over the larger horizons (T >= 2^13 unless the grid
is coarser) against 1/2 (multiscale, SWXZ22, Hedge), 2/3 (single-scale
baseline pool) and 1 (random subset).
"""

import numpy as np

import common
import experts_common as ec

EXPERIMENT = "regret_vs_horizon"

# ±0.1 is the brief's protocol tolerance. The pools' curves have a search
# phase (regret ~ delta t until i* is found) before their asymptotic slope,
# so only horizons >= FIT_FROM are fitted; on the quick grid the remaining
# 5 horizons x 12 seeds still leave CIs of about ±0.15-0.3.
SLOPE_TOLERANCE = 0.1
FIT_FROM = 8192
THEORY = {"multiscale_pool": 0.5, "swxz_mw": 0.5, "hedge": 0.5,
          "baseline_pool": 2.0 / 3.0, "random_subset": 1.0}


def plot(rows, figures_dir):
    plt = common.use_style()
    regret = ec.finals(rows, "mean_regret", ("learner", "instance", "n", "memory"), "T")
    hedge = ec.finals(rows, "hedge_bound", ("instance", "n", "memory"), "T")
    single = ec.finals(rows, "single_scale", ("instance", "n", "memory"), "T")
    panels = sorted({k[1:] for k in regret}, key=str)
    fig, axes = ec.panel_axes(plt, panels)
    for ax, panel in zip(axes, panels):
        common.setup_loglog(ax, "horizon T (days)", "mean-regret at T")
        ec.plot_learners(ax, rows, regret, panel)
        ec.plot_reference(ax, hedge, panel, "--", "0.2", "√(T ln n/2)")
        ec.plot_reference(ax, single, panel, ":", "#009E73", "T^{2/3}(n/m)^{1/3}",
                          lw=1.2)
        ax.set_title("%s, n = %s, S = %s" % panel, fontsize=9)
    axes[0].legend(fontsize=7, loc="upper left")
    common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    regret = ec.finals(rows, "mean_regret", ("learner", "instance", "n", "memory"), "T")
    reps = len(common.unique(rows, "replicate"))
    ts = common.unique(rows, "T")
    fit_from = FIT_FROM if sum(1 for t in ts if ec.num(t) >= FIT_FROM) >= 3 else min(ts)
    out = ["## regret_vs_horizon: R vs T for fixed n, S\n\n",
           "Mean-regret at T ∈ {%s}, %d replicates; slopes of log(mean R) on "
           "log T over T ≥ %s (after the pools' search phase), 95%% CI by "
           "bootstrap over replicates. Theory: 1/2 for the SWXZ22 random-"
           "order pool and PR23-style pools (here the PR23-*inspired* "
           "multiscale pool, our design), 2/3 for the single-scale baseline "
           "pool (PZ23-*inspired*, per-epoch Hedge restarts with B ∝ T^{2/3}), "
           "1 for the random subset (it misses i* with probability 1 − S/n), "
           "1/2 for Hedge's fixed-η mean-regret (~ln n/η). Tolerance ±%.1f.\n\n"
           % (", ".join(str(t) for t in ts), reps, fit_from, SLOPE_TOLERANCE)]
    body, disagree = [], []
    for key, per_t in sorted(regret.items(), key=lambda kv: str(kv[0])):
        learner = key[0]
        theory = THEORY.get(ec.learner_key(learner))
        fit = ec.slope_ci(per_t, x_min=fit_from)
        v = ec.verdict(fit, theory, SLOPE_TOLERANCE)
        xs, m, _, _ = ec.means(per_t)
        body.append([ec.learner_label(learner), key[1], key[2], key[3],
                     ec.fmt_slope(fit), ec.fmt_theory(theory), v,
                     common.fmt(m[-1])])
        if v == "DISAGREES":
            disagree.append("%s on %s" % (ec.learner_label(learner), key[1]))
    out.append(common.markdown_table(
        ["learner", "instance", "n", "S", "slope in T [95% CI]", "theory",
         "verdict", "R at T max"], body, "llrrlllr"))
    out.append("\n")
    if disagree:
        out.append("**Disagreements:** " + "; ".join(disagree) + ". The "
                   "2/3 and 1/2 are worst-case rates. On a planted instance "
                   "with a fixed gap, a pool that admits only experts that "
                   "beat the algorithm ends up holding i* alone: once i* is "
                   "found it pays no restart or learning cost, so its regret "
                   "is the search cost, ~constant in T (slope below the "
                   "prediction), while a pool still searching grows like δT "
                   "(slope near 1). The 2/3 of per-epoch restarts shows where "
                   "the active pool keeps having to re-learn (leader_trap).\n")
    else:
        out.append("No slope CI lies outside its prediction ± %.1f.\n"
                   % SLOPE_TOLERANCE)
    return "".join(out)
