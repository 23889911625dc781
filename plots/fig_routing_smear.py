"""routing_smear: SMEAR's per-example merged experts (Muqeeth, Liu & Raffel,
TMLR 2024) against per-token sparse routing (top-1, top-2 softmax) and the
dense softmax mixture of every expert, on examples of several tokens drawn
from one task. Left: validation MSE against active FLOPs per token (the
merge counted once per example), one point per arm. Right: validation MSE
over training. headline(): the table of arms and the paper's claims as
paired differences over replicates trained on the same examples: SMEAR
beats sparse top-1 routing at about one expert's cost; it matches the dense
mixture of all experts (within SMEAR_MARGIN of its MSE) at a fraction of
its FLOPs; and routing per example loses nothing against merging per token.
"""

import common
import routing_common as rc

EXPERIMENT = "routing_smear"
# Non-inferiority margin against the dense mixture: SMEAR's MSE no more
# than this fraction above it.
SMEAR_MARGIN = 0.10


def _keys(rows):
    return rc.arm_keys(rows, ("router", "k", "example_tokens"))


def _group(router):
    """SMEAR's group of a smear spec, None for another router."""
    name, args = common.parse_spec(router)
    return int(args.get("group", "1")) if name == "smear" else None


def plot(rows, figures_dir):
    plt = common.use_style()
    palette = common.Palette()
    keys = _keys(rows)
    mse = rc.finals(rows, "val_mse", keys)
    flops = rc.finals(rows, "active_flops_per_token", keys)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.4))
    for key in sorted(mse, key=str):
        m, lo, hi = rc.summary(mse[key])
        f, _, _ = rc.summary(flops.get(key, {}))
        left.errorbar([f], [m], yerr=[[m - lo], [hi - m]], fmt="o", capsize=3,
                      color=palette(key), label=rc.arm_label(keys, key))
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("active FLOPs per token (merge counted per example)")
    left.set_ylabel("validation MSE (mean, 95% CI)")
    left.set_title("quality vs compute")
    for key, c in common.summarize(common.select(rows, metric="val_mse"), keys).items():
        right.plot(c["x"], c["mean"], color=palette(key))
        common.band(right, c["x"], c["low"], c["high"], palette(key))
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("training step")
    right.set_ylabel("validation MSE")
    right.set_title("training curves (same examples and init per replicate)")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _paired_text(a, b, digits=4):
    d = rc.paired(a, b)
    return d, (common.fmt_ci(d["mean"], d["low"], d["high"], digits) if d else "—")


def _margin_verdict(d, margin):
    """Non-inferiority: agrees when the paired CI of the MSE difference lies
    below the margin, DISAGREES when above it, else inconclusive."""
    return ("agrees" if d["high"] < margin else "DISAGREES" if d["low"] > margin
            else "inconclusive")


def _claims(keys, mse, flops):
    out = []
    for key in sorted(mse, key=str):
        group = _group(key[0])
        if group is None or group != key[keys.index("example_tokens")]:
            continue
        top1 = rc.with_keys(keys, key, router=rc.REFERENCE, k=1)
        if top1 in mse:
            d, text = _paired_text(mse[key], mse[top1])
            cost = rc.summary(flops[key])[0] / rc.summary(flops[top1])[0]
            if d:
                out.append(["SMEAR beats sparse top-1 routing (the merge, paid once per "
                            "example, is in the cost shown)",
                            "%s vs %s" % (rc.arm_label(keys, key), rc.arm_label(keys, top1)),
                            "Δ val MSE %s at %.2f× its FLOPs" % (text, cost),
                            common.sign_verdict(d["low"], d["high"], -1)])
        dense = [a for a in mse if a[0] == rc.REFERENCE and a[keys.index("k")] > 2
                 and rc.with_keys(keys, a, k=1) == top1]
        if dense:
            ref = max(dense, key=lambda a: a[keys.index("k")])
            d, text = _paired_text(mse[key], mse[ref])
            cost = rc.summary(flops[key])[0] / rc.summary(flops[ref])[0]
            margin = SMEAR_MARGIN * rc.summary(mse[ref])[0]
            if d:
                verdict = "DISAGREES" if cost >= 1 else _margin_verdict(d, margin)
                out.append(["SMEAR matches the dense mixture of all experts (within %d%% of its "
                            "MSE) at a fraction of its FLOPs" % round(100 * SMEAR_MARGIN),
                            "%s vs %s" % (rc.arm_label(keys, key), rc.arm_label(keys, ref)),
                            "Δ val MSE %s (margin %.4f) at %.2f× its FLOPs"
                            % (text, margin, cost), verdict])
        per_token = rc.with_keys(keys, key, router="smear")
        if per_token in mse and per_token != key:
            d, text = _paired_text(mse[key], mse[per_token])
            cost = rc.summary(flops[key])[0] / rc.summary(flops[per_token])[0]
            if d:
                out.append(["routing per example loses nothing against merging per token "
                            "(within %d%%)" % round(100 * SMEAR_MARGIN),
                            "%s vs %s" % (rc.arm_label(keys, key), rc.arm_label(keys, per_token)),
                            "Δ val MSE %s at %.2f× its FLOPs" % (text, cost),
                            _margin_verdict(d, SMEAR_MARGIN * rc.summary(mse[per_token])[0])])
    return out


def headline(rows):
    keys = _keys(rows)
    mse = rc.finals(rows, "val_mse", keys)
    flops = rc.finals(rows, "active_flops_per_token", keys)
    nmi = rc.finals(rows, "nmi", keys)
    body = []
    for key in sorted(mse, key=str):
        m, lo, hi = rc.summary(mse[key])
        f, _, _ = rc.summary(flops.get(key, {}))
        n, nlo, nhi = rc.summary(nmi.get(key, {}))
        body.append([rc.arm_label(keys, key), common.fmt_ci(m, lo, hi, 4), "%.0f" % f,
                     common.fmt_ci(n, nlo, nhi, 2)])
    return ("## routing_smear: SMEAR's merged experts per example\n\n"
            "%s. Each example is `example_tokens` consecutive tokens of one task; "
            "`smear(group=G)` averages the experts' parameters with the softmax of the "
            "example's mean router logits and runs the merged expert on its tokens (group 1: "
            "per token); top-k softmax routes every token (k = 8 = E: the dense mixture of "
            "all experts' outputs). Active FLOPs per token count SMEAR's merge (6 d d_ff E "
            "per example) over the example's tokens. NMI is between the top-1 expert (SMEAR: "
            "the largest merge weight) and the task. Paper (Muqeeth, Liu & Raffel, TMLR "
            "2024): SMEAR beats tag routing and sparse routers trained with gradient "
            "estimators at about one expert's cost. Claims as paired differences over "
            "replicates trained on the same examples (*agrees* when the 95%% CI lies on the "
            "claimed side, *DISAGREES* when on the other, else *inconclusive*; the dense-"
            "mixture claim also DISAGREES when SMEAR costs as much):\n\n" % rc.grid_text(rows)
            + common.markdown_table(["arm", "val MSE", "active FLOPs / token", "NMI"], body,
                                    "lrrr")
            + "\n\n"
            + common.markdown_table(["claim", "compared", "measured", "verdict"],
                                    _claims(keys, mse, flops), "llll"))
