"""offload_policies: hit ratio, experts loaded per token and stall per
token against the cache size (fraction of the experts) for every cache
policy, with Belady's offline optimum on the same trace drawn as the bound.

Figure: three panels sharing the x axis (cache size); mean over replicates
with 95% t-interval bands; Belady in black, dashed. headline(): per cache
size, each policy's hit ratio, its paired gap to Belady (hit ratio points
and the loads ratio policy / Belady), and its stall, beside the papers'
reference points.
"""

import common
import offload_common as oc

EXPERIMENT = "offload_policies"
PANELS = (("hit_ratio", "hit ratio"), ("loads_per_token", "experts loaded per token"),
          ("stall_ms_per_token", "stall per token (ms)"))


def _groups(rows):
    return oc.groups(rows, {"policy", "capacity"})


def plot(rows, figures_dir):
    plt = common.use_style()
    keys, groups = _groups(rows)
    fig, axes = plt.subplots(len(groups), len(PANELS), figsize=(15, 4.0 * len(groups)),
                             squeeze=False)
    for row_axes, (values, group) in zip(axes, groups.items()):
        for ax, (metric, ylabel) in zip(row_axes, PANELS):
            cells = oc.by_cell(group, metric, ("policy", "capacity"))
            for spec in oc.policies(group):
                pts = [(c, oc.mean_ci(v)) for (p, c), v in cells.items() if p == spec]
                xs = [c for c, _ in pts]
                mean = [m[0] for _, m in pts]
                bound = oc.name(spec) == oc.BOUND
                ax.plot(xs, mean, "--" if bound else "o-", color=oc.color(spec),
                        lw=2.0 if bound else 1.4, label=oc.label(spec))
                common.band(ax, xs, [m[1] for _, m in pts], [m[2] for _, m in pts],
                            oc.color(spec))
            ax.set_xlabel("cache size (fraction of the layers × experts)")
            ax.set_ylabel(ylabel)
            title = common.describe_keys(keys, values)
            if title:
                ax.set_title(title, fontsize=8)
        row_axes[0].legend(fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _table(group):
    hit = oc.by_cell(group, "hit_ratio", ("policy", "capacity"))
    loads = oc.by_cell(group, "loads_per_token", ("policy", "capacity"))
    stall = oc.by_cell(group, "stall_ms_per_token", ("policy", "capacity"))
    body = []
    for capacity in common.unique(group, "capacity"):
        bound = [p for p in oc.policies(group) if oc.name(p) == oc.BOUND]
        for spec in oc.policies(group):
            key = (spec, capacity)
            if key not in hit:
                continue
            gap, ratio = "", ""
            if bound and oc.name(spec) != oc.BOUND:
                opt = (bound[0], capacity)
                d = oc.paired(hit[key], hit[opt])
                gap = common.fmt_ci(100 * d["mean"], 100 * d["low"], 100 * d["high"], 1)
                shared = sorted(set(loads[key]) & set(loads[opt]))
                ratio = common.fmt(sum(loads[key][r] for r in shared)
                                   / max(1e-12, sum(loads[opt][r] for r in shared)))
            body.append(["%.2f" % capacity, oc.label(spec), common.fmt(oc.mean_ci(hit[key])[0]),
                         gap, ratio, common.fmt(oc.mean_ci(stall[key])[0])])
    return common.markdown_table(
        ["cache", "policy", "hit ratio", "gap to Belady (points) [95% CI]",
         "loads / Belady's", "stall ms/token"], body, "llrrrr")


def headline(rows):
    keys, groups = _groups(rows)
    parts = ["## offload_policies: cache policies vs Belady's optimum\n",
             "Every policy of a replicate replays the same trace: synthetic (Zipf "
             "popularity, request topics, sticky reuse, inter-layer transitions) or "
             "recorded from the trained char-LM MoE on held-out text (trace = charlm); "
             "gaps to Belady are paired per replicate. Belady minimises loads (bytes "
             "moved), so no policy, prefetching or not, loads fewer experts; a "
             "prefetching policy can exceed Belady's *hit ratio* by loading ahead.\n"]
    for values, group in groups.items():
        title = common.describe_keys(keys, values)
        if title:
            parts.append("### %s\n" % title)
        parts.append(_table(group) + "\n")
    parts.append("Papers: " + " ".join(oc.PAPER_NOTES) + "\n")
    return "\n".join(parts)
