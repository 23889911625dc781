"""routing_step_time: wall time of one training step per router, as a ratio
to top-k softmax timed in the same cell (interleaved rounds, median of
per-round ratios), beside the experts each router actually ran per token.
The report section tabulates milliseconds per step, the reference's, the
ratio and the experts per token. Timings are measurements of this host
(the rows carry host and cpu)."""

import common
import routing_common as rc

EXPERIMENT = "routing_step_time"


def per_router(rows, metric):
    """{(router, k): mean over replicates} of a metric."""
    out = {}
    for r in common.select(rows, metric=metric):
        out.setdefault((r["router"], r["k"]), []).append(r["value"])
    return {key: sum(v) / len(v) for key, v in out.items()}


def plot(rows, figures_dir):
    plt = common.use_style()
    ratio = per_router(rows, "x_vs_topk")
    experts = per_router(rows, "experts_per_token")
    keys = list(ratio)
    labels = ["%s (k=%s)" % (common.label(r, rc.ROUTER_LABELS), k) for r, k in keys]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.2))
    ys = range(len(keys))
    left.barh(ys, [ratio[k] for k in keys], color="0.45")
    left.axvline(1.0, color="0.2", ls=":")
    left.set_yticks(list(ys), labels, fontsize=7)
    left.set_xlabel("step time / top-k softmax's (same cell)")
    left.set_title("training step wall time")
    right.barh(ys, [experts.get(k, float("nan")) for k in keys], color="0.65")
    right.set_yticks(list(ys), labels, fontsize=7)
    right.set_xlabel("experts per token (kept, last step)")
    right.set_title("active experts")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    metrics = {m: per_router(rows, m) for m in
               ("ms_per_step", "ref_ms_per_step", "x_vs_topk", "experts_per_token")}
    body = []
    for key, ratio in metrics["x_vs_topk"].items():
        body.append(["%s, k = %s" % (common.label(key[0], rc.ROUTER_LABELS), key[1]),
                     "%.1f" % metrics["ms_per_step"][key],
                     "%.1f" % metrics["ref_ms_per_step"][key], "%.2f" % ratio,
                     "%.2f" % metrics["experts_per_token"][key]])
    reps = len(common.unique(rows, "replicate"))
    shape = common.select(rows, metric="ms_per_step")[0]
    return ("## routing_step_time: wall time per training step\n\n"
            "One training step (forward, backward, AdamW, repack) of the routing "
            "comparisons' MoE transformer (%s blocks, d = %s, %s heads, f = %s, E = %s, "
            "context %s, batch %s), timed against top-k softmax with the same k in the "
            "same cell, interleaved rounds; %d replicate(s). The ratio is the median of "
            "per-round ratios (> 1 = slower). Routers that run more experts per token "
            "(GW-MoE's broadcast, SMoE-Dropout's k, top-p's threshold) or the batch twice "
            "(THOR's consistency pass) pay for it here; the quality tables compare them "
            "at the FLOPs they actually spent.\n\n"
            % (shape["blocks"], shape["d_model"], shape["heads"], shape["d_ff"], shape["E"],
               shape["context"], shape["batch"], reps)
            + common.markdown_table(["router", "ms per step", "top-k ms per step",
                                     "ratio to top-k", "experts per token"], body, "lrrrr"))
