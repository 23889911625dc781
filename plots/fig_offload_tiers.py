"""offload_tiers: decode tokens/s of every cache policy against the
transfer tier's bandwidth at a fixed cache size, beside the all-resident
bound 1 / (L c) and, for policies without prefetch, the demand-fetch
closed form 1 / (L c + loads per token x miss cost).

Figure: tokens/s vs tier bandwidth (log-log), one line per policy, the
all-resident bound dashed grey. headline(): tokens/s per tier and policy
with the speedup over LRU (paired per replicate: geometric mean of the
ratio), and the largest relative gap between a demand policy's simulated
tokens/s and its closed form (0 up to rounding: the check that the
simulator's clock is the model's).
"""

import math

import common
import offload_common as oc

EXPERIMENT = "offload_tiers"
TIER_GBPS = {"pcie4": 25.0, "pcie3": 12.0, "nvme": 5.0, "flash": 1.5}
DEMAND = ("lru", "lfu", "belady")


def _groups(rows):
    return oc.groups(rows, {"policy", "tier"})


def plot(rows, figures_dir):
    plt = common.use_style()
    keys, groups = _groups(rows)
    fig, axes = plt.subplots(1, len(groups), figsize=(6.4 * len(groups), 4.6), squeeze=False)
    for ax, (values, group) in zip(axes.flat, groups.items()):
        tps = oc.by_cell(group, "tokens_per_s", ("policy", "tier"))
        bound = oc.by_cell(group, "theory.compute_tokens_per_s", ("policy", "tier"))
        for spec in oc.policies(group):
            pts = sorted((TIER_GBPS[t], oc.mean_ci(v)) for (p, t), v in tps.items() if p == spec)
            ax.plot([x for x, _ in pts], [m[0] for _, m in pts],
                    "--" if oc.name(spec) == oc.BOUND else "o-", color=oc.color(spec),
                    label=oc.label(spec))
        top = sorted((TIER_GBPS[t], oc.mean_ci(v)[0]) for (p, t), v in bound.items()
                     if p == oc.policies(group)[0])
        ax.plot([x for x, _ in top], [y for _, y in top], ":", color="#7F7F7F",
                label="all experts resident 1/(L c)")
        common.setup_loglog(ax, "transfer bandwidth (GB/s): flash, NVMe, PCIe 3, PCIe 4",
                            "decode tokens/s")
        title = common.describe_keys(keys, values)
        if title:
            ax.set_title(title, fontsize=8)
        ax.legend(fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _speedup(a, b):
    shared = sorted(set(a) & set(b))
    logs = [math.log(a[r] / b[r]) for r in shared if a[r] > 0 and b[r] > 0]
    return math.exp(sum(logs) / len(logs)) if logs else math.nan


def headline(rows):
    keys, groups = _groups(rows)
    parts = ["## offload_tiers: decode tokens/s vs transfer tier\n",
             "Same trace for every policy and tier of a replicate; speedups are "
             "geometric means of per-replicate ratios to LRU.\n"]
    for values, group in groups.items():
        title = common.describe_keys(keys, values)
        if title:
            parts.append("### %s\n" % title)
        tps = oc.by_cell(group, "tokens_per_s", ("policy", "tier"))
        theory = oc.by_cell(group, "theory.demand_tokens_per_s", ("policy", "tier"))
        tiers = sorted({t for _, t in tps}, key=lambda t: -TIER_GBPS[t])
        lru = [p for p in oc.policies(group) if p == "lru"]
        body, worst = [], 0.0
        for spec in oc.policies(group):
            line = [oc.label(spec)]
            for tier in tiers:
                v = tps.get((spec, tier))
                if v is None:
                    line.append("")
                    continue
                text = common.fmt(oc.mean_ci(v)[0])
                if lru and spec != "lru" and (lru[0], tier) in tps:
                    text += " (%.2f×)" % _speedup(v, tps[(lru[0], tier)])
                line.append(text)
                if oc.name(spec) in DEMAND and spec == oc.name(spec):
                    for r, value in v.items():
                        worst = max(worst, abs(value / theory[(spec, tier)][r] - 1))
            body.append(line)
        parts.append(common.markdown_table(["policy"] + ["%s tokens/s" % t for t in tiers],
                                           body, "l" + "r" * len(tiers)) + "\n")
        parts.append("Demand policies (LRU, LFU, Belady) vs the closed form "
                     "1/(L c + loads × miss cost): largest relative gap %.1e.\n" % worst)
    return "\n".join(parts)
