"""Helpers shared by the memory-regret figures (fig_regret_vs_memory.py,
fig_regret_vs_horizon.py, fig_low_mistake.py, fig_adaptive_threshold.py,
fig_leader_trap.py). Statistics (curves over replicates, slopes, intervals,
verdicts, paired differences) come from common.py; what is here is specific
to these studies: readable learner labels (with the "inspired" provenance
tags the project requires), per-cell final values, and the slope table
against the experiments' predictions. Cells are grouped by the columns a
figure names plus every other parameter column that varies in its CSV
(``keys_with_extras``): a sweep over a key the figure was not designed
around gets its own panels instead of being pooled into one curve.
"""

import common

COLORS = common.Palette({
    "multiscale_pool": "#0072B2", "robust_pool": "#56B4E9", "pool_booster": "#AA3377",
    "swxz_mw": "#D55E00", "swxz_low_mistake": "#D55E00",
    "baseline_pool": "#009E73", "leader": "#CC79A7",
    "pool_cycling": "#E69F00", "random_subset": "#7F7F7F",
    "hedge": "#000000", "naive": "#CC79A7",
})


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
        "pool_booster": "pool booster (PR23-inspired)",
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
        base = "naive 1-δ deletion (SWXZ22's bad case)"
    return base + (" [%s]" % extra if extra else "")


def color(spec):
    return COLORS(learner_key(spec))


def keys_with_extras(rows, keys, x, pooled=("learner",)):
    """keys + the parameter columns that vary in rows beyond keys, x and
    ``pooled`` (columns a theory curve does not depend on)."""
    return tuple(keys) + tuple(common.extra_keys(rows, set(keys) | {x} | set(pooled)))


def finals(rows, metric, keys, x):
    """{key tuple: common.Curve} of `metric` at the last step of each cell
    (step == T), along column x, by keys_with_extras(rows, keys, x)."""
    return common.curves(rows, metric, keys_with_extras(rows, keys, x), x)


def panel_title(rows, keys, x, key, text):
    """``text`` (the figure's title for a key tuple of keys_with_extras(rows,
    keys, x)) followed by the values of the key's extra keys."""
    extra = keys_with_extras(rows, keys, x)[len(keys):]
    described = common.describe_keys(extra, key[len(keys):])
    return text + (", " + described if described else "")


def means(curve):
    """Sorted xs and (mean, low, high) arrays of a curve."""
    return curve.means()


def panel_axes(plt, panels, width=5.4):
    """One row of len(panels) axes (a list)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(width * len(panels), 4.2),
                             squeeze=False)
    return fig, list(axes[0])


def plot_learners(ax, rows, table, panel, fmt="o-", band_alpha=0.18, label=None):
    """Each learner's mean curve table[(learner,) + panel] with its 95% band;
    a variant (a spec with arguments, same colour as its learner) is drawn
    dashed."""
    for learner in common.unique(rows, "learner"):
        curve = table.get((learner,) + tuple(panel))
        if curve is None:
            continue
        xs, m, lo, hi = curve.means()
        style = fmt.replace("-", "--") if common.parse_spec(learner)[1] else fmt
        ax.plot(xs, m, style, color=color(learner), ms=3.5,
                label=label(learner) if label else learner_label(learner))
        common.band(ax, xs, lo, hi, color(learner), alpha=band_alpha)


def plot_reference(ax, table, key, style, line_color, label, lw=1.0, scale=1.0):
    """A theory curve stored as a metric (its mean over replicates), if any."""
    if key not in table:
        return
    xs, values, _, _ = table[key].means()
    ax.plot(xs, scale * values, style, color=line_color, lw=lw, label=label)


def slope_table(rows, metric, keys, x):
    """One entry per group of `keys` (the first being the learner) and extra
    keys: dict(key (the values of `keys`, then of the extra keys), label (the learner's, with the
    extra keys' values), curve, fit, expected, verdict, fitted) with the
    slope of log(mean metric) on log x over the cells the experiment marks
    as inside its prediction's regime (theory.slope / theory.fit rows; every
    x when it predicts nothing), judged by common.verdict."""
    all_keys = keys_with_extras(rows, keys, x)
    table = common.curves(rows, metric, all_keys, x)
    predicted = common.predictions(rows, all_keys, x)
    out = []
    for key in sorted(table, key=lambda k: tuple(common.sort_key(v) for v in k)):
        prediction = predicted.get(key)
        fit, verdict, fitted = common.slope_against_theory(table[key], prediction)
        extra = common.describe_keys(all_keys[len(keys):], key[len(keys):])
        out.append(dict(key=key, curve=table[key], fit=fit, verdict=verdict,
                        fitted=fitted, expected=prediction.slope if prediction else None,
                        label=learner_label(key[0]) + (" (%s)" % extra if extra else "")))
    return out


def fmt_slope(fit):
    return common.fmt_ci(fit["slope"], fit["low"], fit["high"])


def fmt_theory(theory):
    return "—" if theory is None else "%+.2f" % theory


def fmt_xs(fitted, all_xs):
    """'all', 'none' or 'x ≥ min (count)' for the fitted x values."""
    if len(fitted) == len(all_xs):
        return "all"
    if not fitted:
        return "none"
    return "≥ %s (%d)" % (common.fmt(min(fitted)), len(fitted))
