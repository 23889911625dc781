"""Helpers shared by the offload figures (fig_offload_policies.py, ...):
policy labels and colours, per-replicate values of a metric by cell, the
papers' numbers, and paired gaps to Belady's optimum.

Every offload experiment records one value per metric per (cell,
replicate) at step 0 (experiments/offload_cell.h); every policy of a
replicate replays the same trace, so differences are paired.
"""

import common

BOUND = "belady"
LABELS = {"lru": "LRU", "lru_k": "LRU-2", "arc": "ARC", "lfu": "LFU", "static_popularity": "static popularity",
          "speculative": "speculative next-layer gate",
          "lookahead": "adaptive look-ahead (ExpertFlow-style)", "moe_infinity": "MoE-Infinity",
          "edgemoe": "EdgeMoE", "belady": "Belady (offline optimum)"}
COLORS = {"lru": "#0072B2", "lru_k": "#7F7F7F", "arc": "#882255", "lfu": "#E69F00", "static_popularity": "#009E73",
          "speculative": "#CC79A7",
          "lookahead": "#D55E00", "moe_infinity": "#56B4E9", "edgemoe": "#F0E442",
          "belady": "#000000"}
_PALETTE = common.Palette(COLORS)

# Published reference points (section numbers of the papers).
PAPER_NOTES = [
    "Mixtral-offloading (Eliseev & Mazur, arXiv 2312.17238): LRU hit rate ~40-60% "
    "with a few experts per layer cached; speculative recall ~80-90%.",
    "ExpertFlow (He et al., arXiv 2410.17954 v2, §4.4.1, Fig. 10): PLEC vs LRU hit ratio "
    "+15-36 points (Switch-32, CS = 8, BS = 16: 71.89% vs 36.22%).",
    "MoE-Beyond (learned predictor, DeepSeek-V2-Lite traces): hit rate 17% -> 72% "
    "with 10% of experts cached.",
]


def name(spec):
    return common.parse_spec(spec)[0]


def label(spec):
    return common.label(spec, LABELS)


def color(spec):
    key = name(spec) if name(spec) in COLORS and spec == name(spec) else str(spec)
    return _PALETTE(key)


def by_cell(rows, metric, keys):
    """{key tuple: {replicate: value}} of ``metric``, keys sorted."""
    grouped = common.group_by(common.select(rows, metric=metric), *keys)
    return {(k if len(keys) > 1 else (k,)): {r["replicate"]: r["value"] for r in g}
            for k, g in grouped.items()}


def mean_ci(per_replicate):
    return common.mean_ci(list(per_replicate.values()))


def paired(a, b):
    """Mean and 95% CI of a - b over the replicates both have (NaNs with
    fewer than two)."""
    shared = sorted(set(a) & set(b))
    if len(shared) < 2:
        return dict(mean=float("nan"), low=float("nan"), high=float("nan"))
    return common.paired_difference([a[r] for r in shared], [b[r] for r in shared])


def policies(rows):
    """Policy specs, Belady last."""
    specs = common.unique(rows, "policy")
    return sorted(specs, key=lambda s: (name(s) == BOUND, str(s)))


def groups(rows, drawn):
    """(keys, {extra key values: rows}): the combinations of the parameters
    a figure does not draw (``drawn``) that vary, each a panel row."""
    keys = tuple(common.extra_keys(rows, set(drawn)))
    if not keys:
        return keys, {(): rows}
    return keys, {(k if isinstance(k, tuple) else (k,)): g
                  for k, g in common.group_by(rows, *keys).items()}
