"""Helpers of the gmoe figures (fig_gmoe_rates, fig_gmoe_activation,
fig_gmoe_temperature): gate labels and colours, loss-vs-n panels with the
n^-1/2 and 1/log n reference shapes, and the slope table (ours beside the
experiments' theory rows and the papers' numbers).

Every loss is recorded at step == n (experiments/gmoe_cell.h), so curves are
read with horizon_key="n".
"""

import math

import common

GATE_ORDER = ["softmax", "temperature", "identity", "relu", "sigmoid", "tanh", "gelu"]
GATE_LABELS = {"softmax": "softmax (τ = 1 fixed)",
               "temperature": "temperature (τ estimated)",
               "identity": "identity + τ", "relu": "ReLU + τ",
               "sigmoid": "sigmoid + τ", "tanh": "tanh + τ", "gelu": "GELU + τ"}
GATE_COLORS = {"softmax": "#0072B2", "temperature": "#D55E00", "identity": "#E69F00",
               "relu": "#CC79A7", "sigmoid": "#009E73", "tanh": "#56B4E9",
               "gelu": "#000000"}


def curve_keys(rows, used=("gate", "k")):
    """The columns curves are split by: ``used`` plus every other parameter
    that varies (common.extra_keys), so cells are never pooled."""
    return tuple(used) + tuple(common.extra_keys(rows, set(used) | {"n"}))


def extra_label(keys, key, skip=2):
    """', init_scale_sd = 0.1' for the split columns beyond the first ``skip``."""
    text = common.describe_keys(keys[skip:], key[skip:])
    return ", " + text if text else ""


def gates(rows):
    seen = common.unique(rows, "gate")
    return [g for g in GATE_ORDER if g in seen] + [g for g in seen if g not in GATE_ORDER]


def grid_text(rows):
    """'n ∈ {100, 300, ...}, 8 replicates' for a headline."""
    ns = common.unique(rows, "n")
    reps = len(common.unique(rows, "replicate"))
    return "n ∈ {%s}, %d replicates" % (", ".join(str(n) for n in ns), reps)


def setting(k):
    return "exact (k = 2)" if k == 2 else "over (k = %d)" % k


def loss_curves(rows, metric):
    """{(gate, k, extra keys...): Curve} of metric vs n, keys ordered by gate."""
    keys = curve_keys(rows)
    found = common.curves(rows, metric, keys, "n", horizon_key="n")
    order = {g: i for i, g in enumerate(gates(rows))}
    return keys, sorted(found.items(), key=lambda item: (order[item[0][0]], item[0][1:]))


def draw_panel(ax, rows, metric, k, title, references=True):
    """Mean loss (95% band) vs n per gate for fitted order k, with the shapes
    n^-1/2 and 1/log n through the last point of the first gate (small-n
    means can be dominated by one degenerate fit)."""
    import numpy as np
    keys, curves = loss_curves(rows, metric)
    common.setup_loglog(ax, xlabel="sample size n", base=10)
    anchor = None
    for key, curve in curves:
        if key[1] != k:
            continue
        gate = key[0]
        xs, mean, low, high = curve.means()
        color = GATE_COLORS.get(gate, "0.3")
        common.band(ax, xs, low, high, color)
        ax.plot(xs, mean, color=color, marker="o", markersize=3.5, linewidth=1.3,
                label=GATE_LABELS.get(gate, gate) + extra_label(keys, key))
        if anchor is None and len(xs) and mean[-1] > 0:
            anchor = (xs, mean[-1])
    if references and anchor is not None:
        xs, y_last = anchor
        ax.plot(xs, y_last * np.sqrt(xs[-1] / xs), color="0.45", linestyle=":",
                linewidth=1.0, label="∝ n^-1/2")
        ax.plot(xs, y_last * np.log(xs[-1]) / np.log(xs), color="0.45", linestyle="--",
                linewidth=1.0, label="∝ 1/log n")
    ax.set_title(title)


def loss_figure(rows, figures_dir, name, title, legend_cols):
    """Raw (top row) and identifiable (bottom row) Voronoi loss vs n, one
    column per fitted order k; returns the PNG path."""
    plt = common.use_style()
    ks = common.unique(rows, "k")
    fig, axes = plt.subplots(2, len(ks), figsize=(4.8 * len(ks), 7.6), squeeze=False)
    for row, (metric, coords) in enumerate((("voronoi", "β₁, τ as fitted"),
                                            ("voronoi_ident", "β₁/τ (identifiable)"))):
        for col, k in enumerate(ks):
            loss = "D1" if k == 2 else "D2"
            draw_panel(axes[row, col], rows, metric, k,
                       "%s, %s: %s" % (setting(k), coords, loss))
    for ax in axes[:, 0]:
        ax.set_ylabel("Voronoi loss (mean, 95% CI)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=legend_cols)
    reps = len(common.unique(rows, "replicate"))
    fig.suptitle("%s (%d replicates)" % (title, reps))
    return common.save_figure(fig, figures_dir, name)


def slope_rows(rows, metric, theory_metric, paper):
    """Table rows: gate, setting, slope [CI], expected, paper, verdict.

    ``paper``: function (gate, k) -> the paper's number as text."""
    keys, curves = loss_curves(rows, metric)
    expected = {}
    for r in rows:
        if r["metric"] == theory_metric and r["step"] == r["n"]:
            expected[tuple(r[c] for c in keys)] = r["value"]
    body = []
    for key, curve in curves:
        gate, k = key[0], key[1]
        fit = curve.slope()
        want = expected.get(key)
        body.append([GATE_LABELS.get(gate, gate) + extra_label(keys, key), setting(k),
                     common.fmt_ci(fit["slope"], fit["low"], fit["high"]),
                     "—" if want is None else "%.2f" % want, paper(gate, k),
                     common.verdict(fit, want)])
    return body


SLOPE_HEADERS = ["gate", "setting", "slope [95% CI]", "theory", "paper", "verdict"]


def convergence_line(rows):
    """How many kept fits stopped at the iteration cap, per gate and k."""
    finals = [r for r in rows if r["metric"] == "converged" and r["step"] == r["n"]]
    if not finals:
        return ""
    parts = []
    keys = curve_keys(rows)
    for key, group in common.group_by(finals, *keys).items():
        stuck = sum(1 for r in group if r["value"] < 0.5)
        if stuck:
            parts.append("%s %s%s: %d of %d" % (key[0], setting(key[1]), extra_label(keys, key),
                                                stuck, len(group)))
    if not parts:
        return "\nEvery kept fit met EM's stopping rule.\n"
    return ("\nFits that stopped at the iteration cap (kept, not dropped; their "
            "losses are in the curves): " + "; ".join(parts) + ".\n")


HOMOGENEOUS = ("temperature", "identity", "relu")


def _slope_text(fit):
    return common.fmt_ci(fit["slope"], fit["low"], fit["high"])


def _comparison(a, b, tolerance=common.SLOPE_TOLERANCE):
    """'flatter than', 'steeper than' or 'about as steep as': slope a
    against slope b, by more than ``tolerance`` either way."""
    if a["slope"] > b["slope"] + tolerance:
        return "flatter than"
    if a["slope"] < b["slope"] - tolerance:
        return "steeper than"
    return "about as steep as"


def _difference_curve(a, b):
    """Curve of a − b per (x, replicate) over the cells both hold."""
    return common.Curve({x: {r: v - b.per_x[x][r] for r, v in a.per_x[x].items()
                             if r in b.per_x.get(x, {})} for x in a.per_x})


def scale_direction_lines(rows):
    """For each gate with a scale direction (τ estimated, σ 1-homogeneous):
    the raw loss's slope against the identifiable one's and against the two
    predictions (−1/2, 1/log n), and the τ error at the smallest and largest
    n; every claim read off the rows."""
    keys, raw = loss_curves(rows, "voronoi")
    ident = dict(loss_curves(rows, "voronoi_ident")[1])
    tau_err = dict(loss_curves(rows, "err_tau")[1])
    ratio_err = dict(loss_curves(rows, "err_ratio")[1])
    inv_log = dict(loss_curves(rows, "inv_log_n")[1])
    out = []
    for key, curve in raw:
        if key[0] not in HOMOGENEOUS or key not in ident:
            continue
        fit, fit_ident = curve.slope(), ident[key].slope()
        if not (math.isfinite(fit["slope"]) and math.isfinite(fit_ident["slope"])):
            continue
        slow = inv_log[key].slope()["slope"] if key in inv_log else float("nan")
        label = "%s, %s%s" % (GATE_LABELS.get(key[0], key[0]), setting(key[1]),
                              extra_label(keys, key))
        text = ("- %s: raw loss slope %s, %s in β₁/τ (%s); 1/log n would give %.2f on "
                "this grid, n^-1/2 gives −0.50, so the raw slope is %s"
                % (label, _slope_text(fit), _comparison(fit, fit_ident), _slope_text(fit_ident),
                   slow, _nearest(fit, [(-0.5, "n^-1/2"), (slow, "1/log n")])))
        if key in tau_err and key in ratio_err:
            xs, tau_mean, _, _ = tau_err[key].means()
            _, ratio_mean, _, _ = ratio_err[key].means()
            text += ("; |τ − τ*| goes %s → %s from n = %d to %d (slope %s) while "
                     "|β₁/τ − β₁*/τ*| goes %s → %s (slope %s)"
                     % (common.fmt(tau_mean[0]), common.fmt(tau_mean[-1]), xs[0], xs[-1],
                        _slope_text(tau_err[key].slope()), common.fmt(ratio_mean[0]),
                        common.fmt(ratio_mean[-1]), _slope_text(ratio_err[key].slope())))
        out.append(text + ".\n")
    if not out:
        return ""
    return ("\nThe scale direction. With σ 1-homogeneous and τ estimated, the gate "
            "depends on (β₁, β₀, τ) only through β₁/τ and β₀/τ (Euler's identity), so "
            "the likelihood cannot move the fit along c(β₁, β₀, τ): the raw loss keeps "
            "whatever offset along it the start had (the starts are moved along it by "
            "init_scale_sd), while the identifiable loss is the plain softmax gate's. "
            "Measured:\n\n" + "".join(out))


def _nearest(fit, candidates):
    """Which predicted slope the fit is closest to, and whether its CI
    covers it."""
    value, name = min(candidates, key=lambda c: abs(fit["slope"] - c[0]))
    covered = fit["low"] <= value <= fit["high"]
    return "closer to %s (%.2f)%s" % (name, value, ", inside its CI" if covered
                                      else ", outside its CI")


def over_specified_lines(rows):
    """For each over-specified (gate, k): D2's slope against −1/2 and where
    D2 comes from (the r̄-powered terms of cells holding several fitted
    atoms against the rest) at the smallest and largest n."""
    keys, d2 = loss_curves(rows, "voronoi")
    shared = dict(loss_curves(rows, "d2_shared")[1])
    out = []
    for key, curve in d2:
        if key[1] == 2 or key not in shared:
            continue
        fit = curve.slope()
        if not math.isfinite(fit["slope"]):
            continue
        xs, total, _, _ = curve.means()
        _, part, _, _ = shared[key].means()
        first, last = 100 * part[0] / total[0], 100 * part[-1] / total[-1]
        part_fit = shared[key].slope()
        label = "%s, %s%s" % (GATE_LABELS.get(key[0], key[0]), setting(key[1]),
                              extra_label(keys, key))
        if key[0] == "softmax":
            powers = "β₁, b to the power r̄, a and ν to r̄/2"
        elif key[0] in HOMOGENEOUS:
            powers = "β₁, τ, b to the power r̄, a and ν to r̄/2"
        else:
            powers = "β₁, τ, a squared, b to r̄, ν to r̄/2"
        rest = _difference_curve(curve, shared[key]).slope()
        text = ("- %s: D2 slope %s, %s −1/2; the shared-cell terms (%s) are %.0f%% of "
                "D2 at n = %d and %.0f%% at n = %d, with slope %s; the rest (mass and "
                "one-atom cells) has slope %s"
                % (label, _slope_text(fit), _comparison(fit, {"slope": -0.5}), powers, first,
                   xs[0], last, xs[-1], _slope_text(part_fit), _slope_text(rest)))
        steep = fit["slope"] < -0.5 - common.SLOPE_TOLERANCE
        rest_parametric = rest["slope"] >= -0.5 - common.SLOPE_TOLERANCE
        if steep and first > last and rest_parametric:
            text += (": D2's steep slope is the shared-cell terms fading out of it over the "
                     "grid (pre-asymptotic), not a faster rate of the rest")
        elif not steep and first < 50 and rest_parametric:
            text += (": the shared-cell terms are a minor part of D2 from the smallest n on, "
                     "so D2 follows the mass and one-atom terms")
        out.append(text + ".\n")
    if not out:
        return ""
    return ("\nOver-specified fits. Theory puts D2 at n^-1/2; its terms for cells that "
            "hold several fitted atoms are raised to powers (r̄(2) = 4, r̄(3) = 6) because "
            "those atoms' own parameters converge slower. The powers differ by gate: for "
            "the softmax and 1-homogeneous gates they are the Demystifying paper's; for "
            "sigmoid, tanh and GELU (only b and ν still coupled) they are our "
            "reconstruction. Measured:\n\n" + "".join(out))


def paper_gap_lines(rows, paper_slopes):
    """Ours against the paper's slope where the paper gives a number:
    ``paper_slopes`` maps (gate, k) to (slope, source)."""
    keys, curves = loss_curves(rows, "voronoi")
    out = []
    for key, curve in curves:
        if (key[0], key[1]) not in paper_slopes:
            continue
        value, source = paper_slopes[(key[0], key[1])]
        fit = curve.slope()
        if not math.isfinite(fit["slope"]):
            continue
        inside = fit["low"] <= value <= fit["high"]
        out.append("- %s, %s%s: ours %s, %s %.2f, %s our 95%% CI.\n"
                   % (GATE_LABELS.get(key[0], key[0]), setting(key[1]), extra_label(keys, key),
                      _slope_text(fit), source, value, "inside" if inside else "outside"))
    if not out:
        return ""
    return "\nAgainst the paper's numbers:\n\n" + "".join(out)


def polynomial_line(rows):
    """Which gates' raw losses fall at about n^-1/2 or faster (polynomial on
    this grid) and which are flatter, from the fitted slopes."""
    keys, curves = loss_curves(rows, "voronoi")
    fast, slow = [], []
    for key, curve in curves:
        fit = curve.slope()
        if not math.isfinite(fit["slope"]):
            continue
        text = "%s %s%s (%.2f)" % (GATE_LABELS.get(key[0], key[0]), setting(key[1]),
                                   extra_label(keys, key), fit["slope"])
        (fast if fit["slope"] <= -0.5 + common.SLOPE_TOLERANCE else slow).append(text)
    if not fast and not slow:
        return ""
    return ("\nRaw slopes within %.1f of −1/2 or steeper: %s. Flatter: %s.\n"
            % (common.SLOPE_TOLERANCE, ", ".join(fast) or "none", ", ".join(slow) or "none"))
