"""adaptive_threshold: average regret R/T vs S/sqrt(n) against adaptive
adversaries.

One panel per adversary; one line per (learner, n) — colour by learner,
marker by n — so a collapse of the curves in S/sqrt(n) is visible. The
kill-on-play panel also shows our rotation prediction max(0, 1 - k/(W+1)) at
each learner's reported active pool k (the experiment's kill_predict rows)
and PR23's min(1, sqrt(n)/S) shape. Negative R/T is
possible: against an adaptive adversary the best fixed expert in hindsight
can be worse than a learner that keeps moving.
"""

import math

import numpy as np

import common
import experts_common as ec

EXPERIMENT = "adaptive_threshold"
MARKERS = ["o", "s", "^", "D", "v", "P"]
KEYS = ("adversary", "learner", "n")


def _curves(rows):
    return ec.finals(rows, "avg_regret", KEYS, "ratio")


def _label(rows, key):
    """The learner's label, with the values of extra keys (if any)."""
    return ec.panel_title(rows, KEYS, "ratio", key, ec.learner_label(key[1]))


def plot(rows, figures_dir):
    plt = common.use_style()
    curves = _curves(rows)
    # One panel per adversary and values of the extra keys.
    panels = sorted({(k[0],) + k[3:] for k in curves}, key=str)
    ns = common.unique(rows, "n")
    fig, axes = ec.panel_axes(plt, panels, width=5.6)
    kill = ec.finals(rows, "kill_predict", KEYS, "ratio")
    pr23 = ec.finals(rows, "pr23_adaptive", ("adversary", "n"), "ratio")
    for ax, panel in zip(axes, panels):
        adversary, extra = panel[0], panel[1:]
        ax.set_xscale("log", base=2)
        ax.grid(True)
        ax.axhline(0, color="0.6", lw=0.8)
        for learner in common.unique(rows, "learner"):
            for i, n in enumerate(ns):
                curve = curves.get((adversary, learner, n) + extra)
                if curve is None:
                    continue
                xs, m, lo, hi = curve.means()
                ax.plot(xs, m, MARKERS[i % len(MARKERS)] + "-",
                        color=ec.color(learner), ms=4, lw=1.0,
                        label="%s, n=%s" % (ec.learner_label(learner), n))
                common.band(ax, xs, lo, hi, ec.color(learner), alpha=0.08)
        if common.parse_spec(adversary)[0] == "kill_on_play":
            # The rotation model at each learner's reported active pool k.
            for learner in common.unique(rows, "learner"):
                ec.plot_reference(ax, kill, (adversary, learner, ns[-1]) + extra, "--",
                                  ec.color(learner),
                                  "rotation model 1-k/(W+1), k = active pool of %s"
                                  % common.parse_spec(learner)[0], lw=1.2)
            ec.plot_reference(ax, pr23, (adversary, ns[-1]) + extra, ":", "0.3",
                              "PR23 shape min(1, √n/S) [secondary]", lw=1.2)
        ax.set_xlabel("S / √n")
        ax.set_ylabel("R / T")
        ax.set_title(ec.panel_title(rows, KEYS, "ratio", (adversary, None, None) + extra,
                                    str(adversary)))
    axes[0].legend(fontsize=6, loc="lower left", ncol=1)
    common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    curves = _curves(rows)
    reps = len(common.unique(rows, "replicate"))
    ns = common.unique(rows, "n")
    out = ["## adaptive_threshold: R/T vs S/√n against adaptive adversaries\n\n",
           "Average realised regret R/T at T = %s, n ∈ {%s}, %d replicates. "
           "kill_on_play is our probe of PR23's model (adversary sees the "
           "played experts; kill window W = reserve = ⌈√n⌉), not PR23's "
           "construction: its threshold sits at S ∝ √n by design, so a "
           "collapse measures the learners' constants. PR23 [verified: "
           "abstract]: ~√n memory is necessary and sufficient for o(T) regret; "
           "the decay √n·T/S beyond it is [secondary]. robust_pool is PR23-"
           "*inspired* (our design). white-box (PZ23-type, our generator): "
           "any pool with S = o(n) should have R/T ≈ 1.\n\n"
           % (common.unique(rows, "T")[0], ", ".join(str(n) for n in ns), reps)]
    body = []
    for key, curve in sorted(curves.items(), key=lambda kv: (
            str(kv[0][0]), str(kv[0][1]), kv[0][2], str(kv[0][3:]))):
        adversary, _, n = key[:3]
        xs, m, lo, hi = curve.means()
        crossing = next((x for x, v in zip(xs, m) if v < 0.5), None)
        body.append([adversary, _label(rows, key), n,
                     " ".join("%.2f" % v for v in m),
                     "—" if crossing is None else common.fmt(crossing)])
    out.append("R/T at S/√n = %s:\n\n" % ", ".join(
        common.fmt(x) for x in common.unique(rows, "ratio")))
    out.append(common.markdown_table(
        ["adversary", "learner", "n", "mean R/T per S/√n", "first S/√n with R/T < 1/2"],
        body, "lllll"))
    out.append("\n" + _collapse(rows, curves) + _whitebox(rows, curves) + _policy(rows))
    return "".join(out)


def _policy(rows):
    """Policy regret beside external regret, per adversary and learner."""
    policy = ec.finals(rows, "avg_policy_regret", KEYS, "ratio")
    if not policy:
        return ""
    body = []
    for key, curve in sorted(policy.items(), key=lambda kv: str(kv[0])):
        xs, m, lo, hi = curve.means()
        body.append([key[0], _label(rows, key), key[2],
                     common.fmt_ci(float(np.mean(m)), float(np.min(lo)), float(np.max(hi)))])
    return ("\nWhich regret the bounds speak of. The R/T above is external regret on "
            "the sequence the adversary generated in response to the learner (the best "
            "expert in hindsight on that sequence): the notion of PR23's adaptive bounds "
            "and of the white-box argument. Policy regret (Arora, Dekel & Tewari 2012) "
            "compares the learner instead with each fixed expert *had it been played "
            "every day*, the adversary responding to that play (n replays per cell). "
            "Both adversaries punish whatever is played, so a fixed expert played every "
            "day loses about 1 a day, and policy regret is at most about 0 for every "
            "learner: in that sense these adversaries are harmless, and the √n "
            "threshold is a statement about external regret only.\n\n"
            + common.markdown_table(
                ["adversary", "learner", "n",
                 "policy regret / T, mean over S/√n [lowest, highest CI end]"],
                body, "llll") + "\n")


def _collapse(rows, curves):
    """Do the curves of one learner for different n coincide in S/sqrt(n)?
    At each ratio, the two n whose mean R/T differ most are compared
    (Welch interval of the difference, different n being different data)
    by common.interval_verdict against 0 ± RATE_TOLERANCE; the worst ratio
    decides."""
    lines = []
    for group in sorted({k[:2] + k[3:] for k in curves}, key=str):
        adversary = group[0]
        by_n = {k[2]: curves[k] for k in curves if k[:2] + k[3:] == group}
        if len(by_n) < 2:
            continue
        ratios = sorted(set.intersection(*(set(c.per_x) for c in by_n.values())))
        outcomes, spreads = [], []
        for r in ratios:
            samples = {n: list(c.at(r).values()) for n, c in by_n.items()}
            hi = max(samples, key=lambda n: np.mean(samples[n]))
            lo = min(samples, key=lambda n: np.mean(samples[n]))
            diff = common.unpaired_difference(samples[hi], samples[lo])
            spreads.append(diff["mean"])
            outcomes.append(common.interval_verdict(diff["mean"], diff["low"], diff["high"],
                                                    0.0, common.RATE_TOLERANCE))
        if "DISAGREES" in outcomes:
            state = "does NOT collapse"
        elif all(o == "agrees" for o in outcomes):
            state = "collapses"
        elif "inconclusive" in outcomes:
            state = "inconclusive"
        else:
            state = "consistent with a collapse"
        lines.append("%s vs %s: max spread across n = %.2f → %s"
                     % (_label(rows, group[:2] + (None,) + group[2:]), adversary,
                        max(spreads), state))
    return ("Collapse in S/√n (the largest gap between two n at each S/√n, "
            "Welch 95%% CI, against 0 ± %.2f in R/T): " % common.RATE_TOLERANCE
            + "; ".join(lines) + ".\n\n") if lines else ""


def _whitebox(rows, curves):
    vals = [(_label(rows, key), key[2], r, np.mean(list(curve.at(r).values())))
            for key, curve in curves.items()
            if common.parse_spec(key[0])[0] == "whitebox_pool"
            for r in curve.per_x if r * math.sqrt(key[2]) <= key[2] / 4]
    if not vals:
        return ""
    low = min(vals, key=lambda t: t[3])
    return ("White-box adversary, all cells with S ≤ n/4: smallest R/T = %.2f "
            "(%s, n = %s, S/√n = %s); theory: linear regret (R/T bounded away "
            "from 0) for S = o(n).\n" % (low[3], low[0],
                                          low[1], common.fmt(low[2])))
