"""ranking_complexity: queries until stopping vs the instance's theoretical
complexity, log-log (SVC23: instance-dependent query bounds, optimal up to
poly-log factors).

x = theory.complexity (sum of adjacent H_ij for the full ranking, sum over
i ≠ i* of H_{i*,i} for the best expert), y = mean queries over replicates
of one cell; one colour per policy, one marker per support s. headline()
fits, per policy, the least-squares slope of log(mean queries) on
log(mean complexity) over the cells whose runs all stopped (jackknife-t CI
over replicates, judged against the experiments' theory.slope = 1 with
common.verdict), and gives the spread of the ratio queries / complexity
(max/min over cells of the per-cell mean), overall and by d and support.
"""

import math

import numpy as np

import common
import ranking_common as rc

EXPERIMENT = "ranking_complexity"
CELL_KEYS = ("policy", "goal", "n", "d", "support", "h", "delta", "noise")


def _cells(rows):
    """{policy: [(cell key, records)]} of cells whose runs all stopped."""
    out = {}
    for key, group in rc.cells(rc.items(rows, CELL_KEYS), CELL_KEYS).items():
        if all(r["stopped"] == 1 for r in group):
            out.setdefault(key[0], []).append((key, group))
    return out


def levels(key, complexity):
    """Compare's sparsity levels active when it stops on a pair of
    complexity H: min(L, 1 + log2 H) with L = ceil(log2 d) + 1 (level l
    runs once the budget reaches 2^l, algorithms/ranking/compare.h); H is
    the complexity per pair, complexity / (n - 1)."""
    d, n = key[3], key[2]
    per_pair = max(complexity / (n - 1), 1.0)
    return min(math.ceil(math.log2(d)) + 1, 1 + math.log2(per_pair))


def _fit(cells, with_levels=False):
    """Slope of log mean queries on log mean complexity (times the active
    levels when with_levels), jackknife over replicates (cells share
    replicate indices)."""
    reps = sorted(set.intersection(*[{r["replicate"] for r in g} for _, g in cells]))
    if len(cells) < 2 or len(reps) < 2:
        return dict(slope=math.nan, low=math.nan, high=math.nan)
    complexity = [np.mean([r["theory.complexity"] for r in g]) for _, g in cells]
    x = np.log([c * (levels(k, c) if with_levels else 1.0)
                for c, (k, _) in zip(complexity, cells)])
    table = np.array([[next(r["queries"] for r in g if r["replicate"] == rep) for rep in reps]
                      for _, g in cells])
    centred = x - x.mean()

    def slope(t):
        return float((centred * np.log(t.mean(axis=-1))).sum() / (centred ** 2).sum())
    return dict(common.jackknife(slope, table), slope=slope(table))


def _ratio(group):
    return np.mean([r["queries"] / r["theory.complexity"] for r in group])


def _fit_row(name, cells):
    """A table row: the slope against H and against H × levels, the ratio's range."""
    fit, leveled = _fit(cells), _fit(cells, with_levels=True)
    ratios = [_ratio(g) for _, g in cells]
    return [name, "%d" % len(cells),
            common.fmt_ci(fit["slope"], fit["low"], fit["high"]), "1", common.verdict(fit, 1.0),
            common.fmt_ci(leveled["slope"], leveled["low"], leveled["high"]),
            common.verdict(leveled, 1.0),
            "%s – %s" % (common.fmt(min(ratios)), common.fmt(max(ratios))),
            common.fmt(max(ratios) / min(ratios))]


def plot(rows, figures_dir):
    plt = common.use_style()
    from matplotlib.lines import Line2D
    by_policy = _cells(rows)
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    common.setup_loglog(ax, xlabel="theoretical complexity (Σ H)", ylabel="queries to stop (mean)",
                        base=10)
    lo, hi = math.inf, 0
    for policy, cells in by_policy.items():
        for key, group in cells:
            x = np.mean([r["theory.complexity"] for r in group])
            y = np.mean([r["queries"] for r in group])
            lo, hi = min(lo, x), max(hi, x)
            ax.plot([x], [y], linestyle="none", marker=rc.SUPPORT_MARKERS.get(key[4], "o"),
                    color=rc.color(policy), alpha=0.75, markersize=4)
        fit = _fit(cells)
        if math.isfinite(fit["slope"]):
            xs = np.array([np.mean([r["theory.complexity"] for r in g]) for _, g in cells])
            ys = np.array([np.mean([r["queries"] for r in g]) for _, g in cells])
            intercept = np.mean(np.log(ys)) - fit["slope"] * np.mean(np.log(xs))
            grid = np.array([xs.min(), xs.max()])
            ax.plot(grid, np.exp(intercept) * grid ** fit["slope"], color=rc.color(policy),
                    linewidth=1.0)
    if hi > 0:
        grid = np.array([lo, hi])
        ax.plot(grid, grid, color="0.45", linestyle="--", linewidth=1.0)
    handles = [Line2D([], [], color=rc.color(p), linewidth=2,
                      label="%s, slope %.2f" % (rc.label(p), _fit(c)["slope"]))
               for p, c in by_policy.items()]
    handles += [Line2D([], [], color="0.3", marker=m, linestyle="none", label=rc.SUPPORT_LABELS[s])
                for s, m in rc.SUPPORT_MARKERS.items()]
    handles.append(Line2D([], [], color="0.45", linestyle="--", label="queries = complexity"))
    ax.legend(handles=handles, fontsize=7, loc="upper left")
    reps = len(common.unique(rows, "replicate"))
    ax.set_title("Queries vs complexity (%d replicates per point)" % reps)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    by_policy = _cells(rows)
    records = rc.items(rows, CELL_KEYS)
    not_stopped = sum(1 for r in records if r["stopped"] != 1)
    out = ["## ranking_complexity: queries vs complexity\n\n",
           "Queries until the policy stops against the instance's complexity, "
           "over cells n ∈ {%s}, d ∈ {%s}, support ∈ {%s}, h ∈ {%s} (%s). "
           "Stacked-gaps instances: every adjacent pair differs by h on s "
           "random tasks. Both policies of a replicate meet the same instance "
           "and noise. Slope: least squares of log(mean queries) on "
           "log(mean complexity) over the cells whose runs all stopped "
           "(jackknife-t 95%% CI over replicates); theory: 1. %s %s\n\n"
           % (", ".join(str(v) for v in common.unique(rows, "n")),
              ", ".join(str(v) for v in common.unique(rows, "d")),
              ", ".join(str(v) for v in common.unique(rows, "support")),
              ", ".join(str(v) for v in common.unique(rows, "h")), rc.PAPER,
              common.VERDICT_RULE, rc.RECONSTRUCTION_NOTE)]
    body = []
    for policy, cells in by_policy.items():
        body.append(_fit_row(rc.label(policy), cells))
        # Within one n, the log n factor of the insertion sort (and of its
        # per-comparison confidence) is constant.
        for n, group in rc.cells([dict(n=k[2], cell=(k, g)) for k, g in cells], ("n",)).items():
            body.append(_fit_row("  n = %d" % n[0], [c["cell"] for c in group]))
    out.append(common.markdown_table(
        ["policy", "cells", "slope [95% CI]", "theory", "verdict",
         "slope vs H × levels [95% CI]", "verdict", "queries / complexity",
         "spread (max/min)"], body, align="lrrrlrlrr"))
    out.append("\nAcross n the slope also carries the log n factor of the binary "
               "insertion sort (about log2 n comparisons per expert, each at "
               "confidence δ/((n−1)⌈log₂ n⌉)); the rows per n hold it fixed. "
               "Within one n, Compare's cost per round is (active levels) × "
               "budget, and level l becomes active at budget 2^l: on a pair of "
               "complexity H it pays about min(⌈log₂ d⌉ + 1, 1 + log₂ H) levels, "
               "a log factor the bound allows (\"slope vs H × levels\" fits "
               "against H times that count).\n")
    out.append("\nMean queries / complexity by d and support (the log factors of "
               "the bound grow with d and 1/δ):\n\n")
    body = []
    for policy, cells in by_policy.items():
        for (d, support), group in rc.cells([dict(d=k[3], support=k[4], ratio=_ratio(g))
                                             for k, g in cells], ("d", "support")).items():
            values = [g["ratio"] for g in group]
            body.append([rc.label(policy), str(d), rc.SUPPORT_LABELS.get(support, support),
                         common.fmt(float(np.mean(values))),
                         "%s – %s" % (common.fmt(min(values)), common.fmt(max(values)))])
    out.append(common.markdown_table(["policy", "d", "support", "mean ratio", "range over n, h"],
                                     body, align="lrlrr"))
    out.append("\nStopping-time distribution: queries / complexity per run, over "
               "every run that stopped (quantiles):\n\n")
    body = []
    for policy, cells in by_policy.items():
        ratios = np.array([r["queries"] / r["theory.complexity"] for _, g in cells for r in g])
        q = np.quantile(ratios, [0.0, 0.1, 0.5, 0.9, 1.0])
        body.append([rc.label(policy), "%d" % ratios.size] + [common.fmt(float(v)) for v in q])
    out.append(common.markdown_table(["policy", "runs", "min", "10%", "median", "90%", "max"],
                                     body, align="lrrrrrr"))
    if not_stopped:
        out.append("\n%d runs exhausted their budget; their cells are left out of the fits.\n"
                   % not_stopped)
    return "".join(out)
