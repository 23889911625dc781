"""Helpers shared by the memory-regret figures (fig_regret_vs_memory.py,
fig_regret_vs_horizon.py, fig_low_mistake.py, fig_adaptive_threshold.py,
fig_leader_trap.py). Generic pieces (loading, bootstrap of a mean, OLS
slopes, axes, saving) come from common.py; what is here is specific to
these studies: readable learner labels (with the "inspired" provenance
tags the project requires), per-cell final values, and log-log slopes whose
95% CI comes from a bootstrap over replicates.

Rows may hold strings (raw CSV) or numbers (common.load_rows): every access
goes through num().
"""

import math

import numpy as np

import common

# Seeded like common's bootstrap, so a CSV always gives the same intervals.
SLOPE_BOOTSTRAP_SEED = 20261124
SLOPE_RESAMPLES = 1000

COLORS = {
    "multiscale_pool": "#0072B2", "robust_pool": "#56B4E9",
    "swxz_mw": "#D55E00", "swxz_low_mistake": "#D55E00",
    "baseline_pool": "#009E73", "leader": "#CC79A7",
    "pool_cycling": "#E69F00", "random_subset": "#7F7F7F",
    "hedge": "#000000", "naive": "#CC79A7",
}


def num(value):
    """float of a CSV cell that may already be a number."""
    return float(value)


def learner_key(spec):
    """Colour / theory key: the learner's name, with rule variants split."""
    name, args = common.parse_spec(spec)
    if name == "baseline_pool" and args.get("rule") == "leader":
        return "leader"
    if name == "swxz_low_mistake" and args.get("rule") == "naive":
        return "naive"
    return name


def learner_label(spec):
    """Label for legends and tables; PR23/PZ23 reconstructions say so."""
    name, args = common.parse_spec(spec)
    extra = ", ".join("%s=%s" % kv for kv in sorted(args.items())
                      if kv[0] not in ("rule",))
    base = {
        "multiscale_pool": "multiscale pool (PR23-inspired)",
        "robust_pool": "robust pool (PR23-inspired, adaptive)",
        "swxz_mw": "SWXZ22 pool MW",
        "swxz_low_mistake": "SWXZ22 low-mistake pool",
        "pool_cycling": "pool cycling (WZZ23)",
        "random_subset": "random subset",
        "hedge": "Hedge (full memory)",
    }.get(name, name)
    if name == "baseline_pool":
        base = ("leader-selection pool" if args.get("rule") == "leader"
                else "baseline pool (PZ23-inspired)")
    if name == "swxz_low_mistake" and args.get("rule") == "naive":
        base = "naive 1-δ deletion (deck's bad case)"
    return base + (" [%s]" % extra if extra else "")


def color(spec):
    return COLORS.get(learner_key(spec), "#333333")


def finals(rows, metric, keys, x):
    """{key tuple: {x value: [value per replicate]}} for rows of `metric`
    at the last step of their cell (step == T)."""
    out = {}
    for r in rows:
        if r["metric"] != metric or num(r["step"]) != num(r["T"]):
            continue
        key = tuple(r[k] for k in keys)
        out.setdefault(key, {}).setdefault(num(r[x]), []).append(num(r["value"]))
    return out


def means(per_x):
    """Sorted xs and (mean, low, high) arrays from {x: [values]}."""
    xs = sorted(per_x)
    stats = [common.mean_ci(per_x[x]) for x in xs]
    return (np.array(xs), np.array([s[0] for s in stats]),
            np.array([s[1] for s in stats]), np.array([s[2] for s in stats]))


def panel_axes(plt, panels, width=5.4):
    """One row of len(panels) axes (a list)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(width * len(panels), 4.2),
                             squeeze=False)
    return fig, list(axes[0])


def plot_learners(ax, rows, table, panel, fmt="o-", band_alpha=0.18, label=None):
    """Each learner's mean curve table[(learner,) + panel] with its 95% band."""
    for learner in common.unique(rows, "learner"):
        per_x = table.get((learner,) + tuple(panel))
        if not per_x:
            continue
        xs, m, lo, hi = means(per_x)
        ax.plot(xs, m, fmt, color=color(learner), ms=3.5,
                label=label(learner) if label else learner_label(learner))
        common.band(ax, xs, lo, hi, color(learner), alpha=band_alpha)


def plot_reference(ax, table, key, style, line_color, label, lw=1.0, scale=1.0):
    """A theory curve stored as a metric (its mean over replicates), if any."""
    if key not in table:
        return
    xs, values, _, _ = means(table[key])
    ax.plot(xs, scale * values, style, color=line_color, lw=lw, label=label)


def slope_ci(per_x, x_min=-math.inf, x_max=math.inf, level=0.95):
    """Slope of log(mean value) on log x over x in [x_min, x_max], with a
    percentile CI from resampling replicates (with replacement, within each
    x) and refitting. Returns dict(slope, low, high, points); NaN when fewer
    than two positive means are available."""
    xs = [x for x in sorted(per_x) if x_min <= x <= x_max]
    data = [np.asarray(per_x[x], dtype=float) for x in xs]
    nan = dict(slope=math.nan, low=math.nan, high=math.nan, points=len(xs))

    def fit(samples):
        ms = np.array([s.mean() for s in samples])
        ok = ms > 0
        if ok.sum() < 2:
            return math.nan
        return float(np.polyfit(np.log(np.array(xs)[ok]), np.log(ms[ok]), 1)[0])

    if len(xs) < 2:
        return nan
    slope = fit(data)
    if not math.isfinite(slope):
        return nan
    rng = np.random.default_rng(SLOPE_BOOTSTRAP_SEED)
    boots = []
    for _ in range(SLOPE_RESAMPLES):
        resampled = [d[rng.integers(0, d.size, d.size)] for d in data]
        b = fit(resampled)
        if math.isfinite(b):
            boots.append(b)
    if len(boots) < SLOPE_RESAMPLES // 2:
        return dict(slope=slope, low=math.nan, high=math.nan, points=len(xs))
    alpha = (1 - level) / 2
    low, high = np.quantile(boots, [alpha, 1 - alpha])
    return dict(slope=slope, low=float(low), high=float(high), points=len(xs))


def verdict(fit, theory, tolerance):
    """'agrees' (estimate within ±tolerance of theory), 'noisy' (outside but
    the CI reaches the band), 'DISAGREES' (CI entirely outside), '—' (no
    theory or no fit)."""
    if theory is None or not math.isfinite(fit["slope"]):
        return "—"
    if abs(fit["slope"] - theory) <= tolerance:
        return "agrees"
    if (math.isfinite(fit["low"]) and fit["low"] - tolerance <= theory
            <= fit["high"] + tolerance):
        return "noisy"
    return "DISAGREES"


def fmt_slope(fit):
    return common.fmt_ci(fit["slope"], fit["low"], fit["high"])


def fmt_theory(theory):
    return "—" if theory is None else "%+.2f" % theory
