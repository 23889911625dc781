"""Helpers of the routing figures (fig_routing_*): arms (router x balance
weight x every other varying key), their final values per replicate
(experiments/routing_cell.h records them at step == steps), summary rows
with 95% CIs, and paired differences against the reference arm (top-k
softmax with the same other keys) over common random numbers.
"""

import common

ROUTER_LABELS = {"topk_softmax": "top-k softmax", "noisy_topk": "noisy top-k",
                 "top_p": "top-p (dynamic)", "expert_choice": "expert choice",
                 "gw_moe": "GW-MoE", "smoe_dropout": "SMoE-Dropout",
                 "gshard_top2": "GShard top-2", "thor": "THOR", "moec": "MoEC",
                 "switch": "Switch", "deepseek_moe": "DeepSeekMoE", "sam": "SAM",
                 "hmoe": "HMoE", "aoe": "AoE",
                 "smear": "SMEAR"}
REFERENCE = "topk_softmax"


def arm_keys(rows, used=("router", "balance")):
    return tuple(used) + tuple(common.extra_keys(rows, set(used)))


def arm_label(keys, key):
    text = common.label(key[0], ROUTER_LABELS)
    rest = common.describe_keys(keys[1:], key[1:])
    return text + (", " + rest if rest else "")


def short_labels(keys, arms, always=("balance",), only=None):
    """{arm: label} for legends: the router, the keys in `always`, and of
    the other keys (those in `only`, when given) the ones where the arm
    differs from the value most arms have: a cell outside the main grid
    names its task, not every key."""
    modal = {}
    for i, k in enumerate(keys[1:], 1):
        values = [arm[i] for arm in arms]
        modal[k] = max(set(values), key=lambda v: (values.count(v), str(v)))
    out = {}
    for arm in arms:
        shown = [(k, v) for k, v in zip(keys[1:], arm[1:])
                 if k in always or (v != modal[k] and (only is None or k in only))]
        rest = common.describe_keys([k for k, _ in shown], [v for _, v in shown])
        out[arm] = common.label(arm[0], ROUTER_LABELS) + (", " + rest if rest else "")
    return out


def with_keys(keys, key, **values):
    """The arm `key` with some of its keys replaced."""
    out = list(key)
    for name, value in values.items():
        out[keys.index(name)] = value
    return tuple(out)


def finals(rows, metric, keys):
    """{arm: {replicate: value}} of a metric's final rows."""
    out = {}
    for r in common.select(common.final_rows(rows, "steps"), metric=metric):
        out.setdefault(tuple(r[k] for k in keys), {})[r["replicate"]] = r["value"]
    return out


def reference_of(keys, key, arms):
    """The arm with the reference router and the same other keys, or None."""
    ref = (REFERENCE,) + tuple(key[1:])
    return ref if ref != key and ref in arms else None


def summary(values):
    mean, low, high = common.mean_ci(list(values.values()))
    return mean, low, high


def paired(a, b):
    """Paired difference a - b over the replicates both have."""
    reps = sorted(set(a) & set(b))
    if len(reps) < 2:
        return None
    return common.paired_difference([a[r] for r in reps], [b[r] for r in reps])


def grid_text(rows):
    reps = len(common.unique(rows, "replicate"))
    steps = ", ".join(str(s) for s in common.unique(rows, "steps"))
    return "%d replicates, %s AdamW steps" % (reps, steps)


def within_loss_margin(d, margin):
    """Non-inferiority of a paired difference d (higher is better): agrees
    when its whole CI lies above -margin, DISAGREES when wholly below,
    else inconclusive."""
    return ("agrees" if d["low"] > -margin else
            "DISAGREES" if d["high"] < -margin else "inconclusive")


def claim_row(claim, where, what, d, sign, digits=3):
    """A claims-table row: the claim, where it was tested, the paired
    difference d (from paired()) after the text `what`, and its verdict
    for the claimed sign (+1 higher, -1 lower)."""
    return [claim, where, "%s %s" % (what, common.fmt_ci(d["mean"], d["low"], d["high"], digits)),
            common.sign_verdict(d["low"], d["high"], sign)]


def cell_label(keys, cell):
    """'k1 = v1, k2 = v2' for a cell's values of `keys`."""
    return ", ".join("%s = %s" % (k, v) for k, v in zip(keys, cell))


def mean_of(values):
    """Mean of a {replicate: value} dict (NaN when empty)."""
    return sum(values.values()) / len(values) if values else float("nan")
