"""regret_vs_gap: regret vs the planted gap δ at fixed n, S and T.

One panel per (n, T, S); one line per learner: R/√(nT/S) against δ (log
axes, 95% bands), with δ* = √(n/(ST)) marked (the experiment's delta_star
rows). headline()
tabulates where each learner's regret peaks (δ/δ* at the largest mean) and
how far it falls from the peak to the largest δ: a learner that finds i*
has a hump near δ* (up to its log factors), one that never learns rises
throughout.
"""

import numpy as np

import common
import experts_common as ec

EXPERIMENT = "regret_vs_gap"
KEYS = ("learner", "n", "T", "memory")


def _star(rows, panel):
    """δ* of a panel (n, T, S, extra keys), from the experiment's rows."""
    stars = ec.finals(rows, "delta_star", KEYS[1:], "delta")
    return float(stars[tuple(panel)].means()[1][0])


def plot(rows, figures_dir):
    plt = common.use_style()
    table = ec.finals(rows, "normalized", KEYS, "delta")
    panels = sorted({k[1:] for k in table}, key=lambda k: tuple(common.sort_key(v) for v in k))
    fig, axes = ec.panel_axes(plt, panels, width=5.2)
    for ax, panel in zip(axes, panels):
        common.setup_loglog(ax, "planted gap δ", "mean-regret / √(nT/S)")
        ec.plot_learners(ax, rows, table, panel)
        ax.axvline(_star(rows, panel), ls=":", color="0.45", lw=1.2, label="δ* = √(n/(ST))")
        ax.set_title(ec.panel_title(rows, KEYS[1:], "delta", panel,
                                    "n = %s, T = %s, S = %s" % panel[:3]))
    axes[0].legend(fontsize=7, loc="lower right")
    common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    reps = len(common.unique(rows, "replicate"))
    table = ec.finals(rows, "normalized", KEYS, "delta")
    out = ["## regret_vs_gap: R vs δ at fixed n, S, T (the hump near δ*)\n\n",
           "Mean-regret at T on the planted instance against the gap δ, as R/√(nT/S) "
           "against δ/δ* with δ* = √(n/(ST)), %d replicates. SWXZ22: below δ* no "
           "learner with S words can single out i* in T days, so R grows like δT; "
           "above it a learner that finds i* after D(δ) ∝ 1/δ² days pays ∝ 1/δ. "
           "So a learner that learns has a hump near δ* (its peak sits where its "
           "own search length reaches T, a log factor or two above δ*); random "
           "subset rises throughout. Columns: the δ/δ* of the largest mean regret, "
           "that peak, and the mean at the largest δ as a share of the peak (the "
           "per-δ CIs are in the figure).\n\n" % reps]
    body = []
    for key in sorted(table, key=lambda k: tuple(common.sort_key(v) for v in k)):
        xs, m, lo, hi = table[key].means()
        peak = int(np.argmax(m))
        label = ec.panel_title(rows, KEYS, "delta", key, ec.learner_label(key[0]))
        body.append([label, key[1], key[2], key[3], common.fmt(xs[peak] / _star(rows, key[1:])),
                     common.fmt_ci(m[peak], lo[peak], hi[peak]),
                     common.fmt_ci(m[-1], lo[-1], hi[-1]),
                     common.fmt(m[-1] / m[peak]) if m[peak] > 0 else "n/a",
                     "interior" if 0 < peak < len(xs) - 1 else
                     ("at the largest δ" if peak == len(xs) - 1 else "at the smallest δ")])
    out.append(common.markdown_table(
        ["learner", "n", "T", "S", "δ/δ* at the peak", "peak R/√(nT/S) [95% CI]",
         "at the largest δ", "largest-δ / peak", "peak position"], body, "lrrrrrrrl"))
    out.append("\n")
    return "".join(out)
