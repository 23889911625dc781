"""Helpers shared by the active-ranking figures (fig_ranking_complexity.py,
fig_ranking_error.py, fig_ranking_sparsity.py, fig_ranking_baselines.py).
Statistics come from common.py; what is here is specific to these studies:
policy labels (reconstructions say so), one record per (cell, replicate)
with all its metrics, and the exact binomial interval of an error rate.

Every ranking experiment records its rows at step 0, one value per metric
per (cell, replicate) (experiments/ranking_cell.h).
"""

import math

import common

COLORS = {"active_ranking": "#0072B2", "best_expert": "#D55E00",
          "uniform": "#7F7F7F", "successive_elimination": "#009E73",
          "lucb": "#CC79A7", "heckel_ar": "#E69F00",
          "iterative_insertion": "#56B4E9"}

LABELS = {
    "active_ranking": "Active-ranking (SVC23 Alg. 3, reconstructed)",
    "best_expert": "Best-expert (SVC23 Alg. 4, reconstructed)",
    "uniform": "uniform round-robin",
    "successive_elimination": "successive elimination",
    "lucb": "LUCB",
    "heckel_ar": "AR, Borda (Heckel et al. 2019)",
    "iterative_insertion": "iterative insertion (after Ren et al. 2019, reconstructed)",
}

SUPPORT_LABELS = {"single": "s = 1", "sqrt": "s = √d", "dense": "s = d"}
SUPPORT_MARKERS = {"single": "o", "sqrt": "s", "dense": "^"}

PAPER = ("Saad, Verzelen & Carpentier, \"Active Ranking of Experts Based on "
         "their Performances in Many Tasks\", ICML 2023 (SVC23)")

RECONSTRUCTION_NOTE = (
    "Only the paper's abstract and introduction could be read: the Compare "
    "schedule (doubling budgets, sparsity levels s = d/2^l, 2d/s random "
    "tasks per level, 4 ln(K/δ_r)/h² paired samples per task), the "
    "insertion confidence δ/((n−1)⌈log₂ n⌉), Best-expert's capped "
    "champion scan and the complexities H_ij = min_s d/(s|Δ|²_(s)) are "
    "reconstructions (algorithms/ranking/compare.h, theory/ranking_complexity.h), "
    "so ratios to H include our constants and log factors, not the paper's.")


def name(spec):
    return common.parse_spec(spec)[0]


def label(spec):
    return LABELS.get(name(spec), str(spec))


_PALETTE = common.Palette(COLORS)


def color(spec):
    """The policy's colour; a spare one for policies not in COLORS."""
    return _PALETTE(name(spec))


def items(rows, used):
    """[{param..., replicate, metric: value...}] one per (cell, replicate).
    ``used``: the columns the figure groups by; any other parameter that
    varies (common.extra_keys) is folded into the policy, 'policy [k = v]',
    so such cells become series of their own (spec-text label, spare
    colour) instead of being pooled."""
    params = common.param_columns(rows)
    extra = common.extra_keys(rows, set(used))
    out = {}
    for r in rows:
        key = tuple(r[p] for p in params) + (r["replicate"],)
        item = out.setdefault(key, dict({p: r[p] for p in params},
                                        replicate=r["replicate"]))
        item[r["metric"]] = r["value"]
        if extra:
            item["policy"] = "%s [%s]" % (r["policy"],
                                          common.describe_keys(extra, [r[k] for k in extra]))
    return list(out.values())


def instance_text(rows):
    """'n = 5 experts, d = 32 tasks, gap h = 0.5' from the first item (the
    fixed keys of an experiment's grid)."""
    first = next(iter(items(rows, ("n", "d", "h"))), {})
    return "n = %s experts, d = %s tasks, gap h = %s" % (first.get("n"), first.get("d"),
                                                         first.get("h"))


def cells(records, keys):
    """{(values of keys): [records]} in sorted order."""
    groups = {}
    for rec in records:
        groups.setdefault(tuple(rec[k] for k in keys), []).append(rec)
    return dict(sorted(groups.items(), key=lambda kv: [common.sort_key(v) for v in kv[0]]))


def binomial_cdf(k, n, p):
    """P(X <= k), X ~ Binomial(n, p), summed exactly in log space."""
    if k < 0:
        return 0.0
    if k >= n or p <= 0:
        return 1.0
    if p >= 1:
        return 0.0
    total = 0.0
    for j in range(k + 1):
        total += math.exp(math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1)
                          + j * math.log(p) + (n - j) * math.log1p(-p))
    return min(total, 1.0)


def clopper_pearson(k, n, level=common.LEVEL):
    """Exact (Clopper-Pearson) two-sided interval of a binomial rate k/n."""
    alpha = (1 - level) / 2

    def solve(f):  # root of a monotone increasing f on [0, 1]
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
        return (lo + hi) / 2
    low = 0.0 if k == 0 else solve(lambda p: alpha - binomial_cdf(k - 1, n, p))
    high = 1.0 if k == n else solve(lambda p: (1 - binomial_cdf(k, n, p)) - (1 - alpha))
    return low, high
