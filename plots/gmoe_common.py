"""Helpers of the gmoe figures (fig_gmoe_rates, fig_gmoe_activation,
fig_gmoe_temperature): gate labels and colours, loss-vs-n panels with the
n^-1/2 and 1/log n reference shapes, and the slope table (ours beside the
experiments' theory rows and the papers' numbers).

Every loss is recorded at step == n (experiments/gmoe_cell.h), so curves are
read with horizon_key="n".
"""

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
