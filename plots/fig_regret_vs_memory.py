"""regret_vs_memory: mean-regret vs memory S (log-log) on the planted
instance at its hardest gap delta*(S) = c sqrt(n/(ST)).

One panel per (n, c); one line per learner (mean over replicates, bootstrap
95% band); the SWXZ22 lower-bound curve sqrt(nT/S) (solid grey), the
no-learning level delta* T = c sqrt(nT/S) (dotted) and the full-memory
Hedge bound sqrt(T ln n / 2) (dashed), all from the experiment's own rows.
headline() fits the log-log slope of mean-regret in S (theory -1/2) with a
replicate-bootstrap CI and reports R / sqrt(nT/S).
"""

import math

import numpy as np

import common
import experts_common as ec

EXPERIMENT = "regret_vs_memory"

# ±0.1 is the brief's protocol tolerance for slopes fitted over the
# asymptotic part of a grid. Here every learner is measured exactly at
# delta*(S), where theory puts R between the lower bound and delta* T, both
# proportional to sqrt(nT/S): deviations come from the learner finding i*
# at some S and not others, which the quick grid (6 seeds) resolves only to
# about ±0.15; see the CIs.
SLOPE_TOLERANCE = 0.1
THEORY = {"multiscale_pool": -0.5, "swxz_mw": -0.5, "baseline_pool": -0.5,
          "random_subset": -0.5}


def _panels(rows):
    return [(n, c) for n in common.unique(rows, "n") for c in common.unique(rows, "c")]


def plot(rows, figures_dir):
    plt = common.use_style()
    panels = _panels(rows)
    fig, axes = ec.panel_axes(plt, panels, width=5.2)
    regret = ec.finals(rows, "mean_regret", ("learner", "n", "c"), "memory")
    bound = ec.finals(rows, "lower_bound", ("n", "c"), "memory")
    floor = ec.finals(rows, "hedge_floor", ("n", "c"), "memory")
    for ax, (n, c) in zip(axes, panels):
        common.setup_loglog(ax, "memory S (words)", "mean-regret at T")
        ec.plot_learners(ax, rows, regret, (n, c))
        ec.plot_reference(ax, bound, (n, c), "-", "0.45", "√(nT/S) (SWXZ22 LB)", lw=1.6)
        ec.plot_reference(ax, bound, (n, c), ":", "0.45", "δ*T = c√(nT/S)", lw=1.2,
                          scale=float(c))
        ec.plot_reference(ax, floor, (n, c), "--", "0.2", "√(T ln n/2)")
        t = common.unique(rows, "T")
        ax.set_title("n = %s, T = %s, δ* = %s·√(n/(ST))" % (n, t[0] if len(t) == 1 else t, c))
    axes[0].legend(fontsize=7, loc="lower left")
    common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    regret = ec.finals(rows, "mean_regret", ("learner", "n", "c"), "memory")
    normalized = ec.finals(rows, "normalized", ("learner", "n", "c"), "memory")
    reps = len(common.unique(rows, "replicate"))
    ss = common.unique(rows, "memory")
    out = ["## regret_vs_memory: R vs S at δ*(S) (SWXZ22 hard instance)\n\n",
           "Mean-regret Σ_t⟨p_t, μ⟩ − Tμ(i*) at T on the planted Bernoulli "
           "instance with δ*(S) = c√(n/(ST)), S ∈ {%s}, %d replicates. Slope: "
           "OLS of log(mean R) on log S, 95%% CI by bootstrap over replicates. "
           "Theory: −1/2 (SWXZ22 lower bound √(nT/S) [verified]; PR23's "
           "general-S upper bound [secondary source]). Tolerance ±%.1f "
           "(agrees / noisy: CI reaches the band / DISAGREES: CI outside). "
           "R/√(nT/S) is the constant in front of the lower-bound curve; a "
           "learner that never finds i* sits at c (= δ*T/√(nT/S)). "
           "multiscale_pool is PR23-*inspired* and baseline_pool PZ23-"
           "*inspired* (our designs; the papers' algorithms were not "
           "available).\n\n" % (", ".join(str(s) for s in ss), reps,
                                SLOPE_TOLERANCE)]
    body, disagree = [], []
    for (learner, n, c), per_s in sorted(regret.items(), key=lambda kv: (
            str(kv[0][0]), ec.num(kv[0][1]), ec.num(kv[0][2]))):
        theory = THEORY.get(ec.learner_key(learner))
        fit = ec.slope_ci(per_s)
        v = ec.verdict(fit, theory, SLOPE_TOLERANCE)
        norm = normalized.get((learner, n, c), {})
        lo_s, hi_s = (min(norm), max(norm)) if norm else (None, None)
        # R = delta* T to 1% at every S: the learner never held i*, and its
        # -1/2 is that of delta* T itself, not of a learning algorithm.
        trivial = bool(norm) and all(
            abs(np.mean(v) - ec.num(c)) <= 0.01 * ec.num(c) for v in norm.values())
        body.append([ec.learner_label(learner), n, c, ec.fmt_slope(fit),
                     ec.fmt_theory(theory),
                     v + (" (R = δ*T: never found i*)" if trivial and theory else ""),
                     common.fmt(np.mean(norm[lo_s])) if norm else "n/a",
                     common.fmt(np.mean(norm[hi_s])) if norm else "n/a"])
        if v == "DISAGREES":
            disagree.append("%s (n=%s, c=%s)" % (ec.learner_label(learner), n, c))
    out.append(common.markdown_table(
        ["learner", "n", "c", "slope in S [95% CI]", "theory", "verdict",
         "R/√(nT/S) at S min", "at S max"], body, "lllllrrr"))
    out.append("\n")
    if disagree:
        out.append("**Disagreements:** " + "; ".join(disagree) + ". At δ*(S) "
                   "a learner's regret is c√(nT/S) times the fraction of days "
                   "it spends without i*; when that fraction changes with S "
                   "(it finds i* at some memory sizes and not at others on "
                   "this short horizon) the fitted slope leaves −1/2.\n")
    else:
        out.append("No learner's slope CI lies outside −1/2 ± %.1f.\n"
                   % SLOPE_TOLERANCE)
    out.append("Hedge (full memory) is the floor: it holds every expert, so "
               "no slope is predicted for it. Where a row says R = δ*T the "
               "learner never held i* on this horizon and agreement with −1/2 "
               "is automatic; the informative rows are those with R/√(nT/S) "
               "below c (the pools that find i* at larger c).\n")
    return "".join(out)
