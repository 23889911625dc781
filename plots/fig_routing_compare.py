"""routing_compare: every router on the same clustered regression tasks.

Left: validation MSE (mean, 95% CI over replicates) against active FLOPs
per token, one point per arm (router x balance weight x other varying
keys), beside the Bayes risk. Right: validation MSE over training. The
report section tabulates quality, paired differences against top-k
softmax (common random numbers: the same data and initial weights per
replicate), load balance, dead experts, NMI with the latent clusters and
experts per token, and counts divergences; a second table checks each
router paper's headline claim against these arms. Arms on skill
compositions with held-out tasks (structure = skills, holdout_tasks > 0)
get a third table: the MSE on the held-out compositions beside the
training tasks' validation MSE. Arms on hierarchical clusters whose
super-clusters divide the experts into groups (simulated devices) get a
fourth: devices per token (SAM's communication proxy) and the NMI of each
token's main group with its super-cluster, with SAM's paired difference
against Switch top-1.
"""

import common
import routing_common as rc

EXPERIMENT = "routing_compare"

# Claims on quality at equal k: the router's validation MSE minus top-k
# softmax's with the same other keys, claimed negative.
QUALITY_CLAIMS = {
    "expert_choice": "Expert Choice (Zhou et al., NeurIPS 2022): better quality than top-k "
                     "routing at equal compute",
    "top_p": "dynamic top-p (Huang et al., ACL 2024): top-p matches or beats top-k quality",
    "gw_moe": "GW-MoE (Wu et al., 2024): sending high-entropy tokens to every expert "
              "improves quality",
    "gshard_top2": "GShard (Lepikhin et al., ICLR 2021): top-2 gating improves on top-1",
    "thor": "THOR (Zuo et al., ICLR 2022): random experts with a consistency loss match or "
            "beat a learned gate at equal compute",
    "moec": "MoEC (Xie et al., AAAI 2023): expert clusters with cluster-level dropout improve "
            "on the top-1 gate",
    "switch": "Switch Transformers (Fedus, Zoph & Shazeer, JMLR 2022): multiplicative jitter "
              "on the router input trains the top-1 gate at least as well as without it",
    "deepseek_moe": "DeepSeekMoE (Dai et al., ACL 2024): fine-grained experts with a shared one "
                    "beat top-k at equal active FLOPs",
    "aoe": "Autonomy-of-Experts (Lv et al., ICML 2025): experts that select themselves by the "
           "norm of their gate cache beat a router-based MoE of equal parameters",
    "smear": "SMEAR (Muqeeth, Liu & Raffel, TMLR 2024): one merged expert per example beats "
             "sparse top-1 routing (here an example is one token, so the merge costs E "
             "experts' FLOPs; routing_smear has multi-token examples)",
}
# Routers whose load the auxiliary balance loss is claimed to even out
# (Shazeer et al., ICLR 2017; Fedus, Zoph & Shazeer, JMLR 2022).
BALANCED_BY_LOSS = ("topk_softmax", "noisy_topk", "switch")


def plot(rows, figures_dir):
    plt = common.use_style()
    keys = rc.arm_keys(rows)
    mse = rc.finals(rows, "val_mse", keys)
    flops = rc.finals(rows, "active_flops_per_token", keys)
    bayes = rc.finals(rows, "theory.bayes_mse", keys)
    palette = common.Palette()
    labels = rc.short_labels(keys, list(mse), only=("structure", "holdout_tasks", "k"))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.4))
    for key in mse:
        m, lo, hi = rc.summary(mse[key])
        f, _, _ = rc.summary(flops[key])
        left.errorbar([f], [m], yerr=[[m - lo], [hi - m]], fmt="o", color=palette(key),
                      label=labels[key], capsize=3)
    if bayes:
        b = next(iter(bayes.values()))
        left.axhline(next(iter(b.values())), color="0.4", ls=":", label="Bayes MSE")
    left.set_yscale("log")
    left.set_xlabel("active FLOPs per token")
    left.set_ylabel("validation MSE (mean, 95% CI)")
    left.set_title("quality vs active compute")
    for key, c in common.summarize(common.select(rows, metric="val_mse"), keys).items():
        right.plot(c["x"], c["mean"], color=palette(key), label=labels.get(key, str(key)))
        common.band(right, c["x"], c["low"], c["high"], palette(key))
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("training step")
    right.set_ylabel("validation MSE")
    right.set_title("training curves (same data and init per replicate)")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
               fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    keys = rc.arm_keys(rows)
    metrics = {m: rc.finals(rows, m, keys) for m in
               ("val_mse", "load_entropy", "dead_experts", "nmi", "experts_per_token",
                "drop_rate", "diverged", "groups_per_token")}
    bayes = rc.finals(rows, "theory.bayes_mse", keys)
    body = []
    for key, values in metrics["val_mse"].items():
        m, lo, hi = rc.summary(values)
        ref = rc.reference_of(keys, key, metrics["val_mse"])
        diff = rc.paired(values, metrics["val_mse"][ref]) if ref else None
        diff_text = (common.fmt_ci(diff["mean"], diff["low"], diff["high"], 4)
                     if diff else "reference")
        cells = [rc.arm_label(keys, key), common.fmt_ci(m, lo, hi, 4), diff_text]
        for metric in ("load_entropy", "dead_experts", "nmi", "experts_per_token", "drop_rate"):
            cm, clo, chi = rc.summary(metrics[metric].get(key, {}))
            cells.append(common.fmt_ci(cm, clo, chi, 2))
        diverged = sum(metrics["diverged"].get(key, {}).values())
        cells.append("%d / %d" % (diverged, len(metrics["diverged"].get(key, {}))))
        body.append(cells)
    bayes_mse = next(iter(next(iter(bayes.values())).values())) if bayes else float("nan")
    out = ["## routing_compare: routers on clustered regression at equal k\n\n",
           "Each arm trains the same one-block MoE regressor (E experts, SwiGLU, "
           "AdamW) on the same mini-batches from the same initial weights in a "
           "replicate (common random numbers), %s; validation on held-out "
           "examples. Bayes MSE = %s. Differences are paired against top-k "
           "softmax with the same other keys (negative = better). Load entropy "
           "is H(f)/log E (1 = balanced); dead experts get under 0.1/E of the "
           "load; NMI is between the top-1 expert and the latent cluster.\n\n"
           % (rc.grid_text(rows), common.fmt(bayes_mse))]
    out.append(common.markdown_table(
        ["arm", "val MSE [95% CI]", "Δ vs top-k softmax (paired)", "load entropy",
         "dead experts", "NMI", "experts / token", "drop rate", "diverged"],
        body, "lrrrrrrrr"))
    heldout = _heldout_rows(keys, metrics["val_mse"], rc.finals(rows, "heldout_mse", keys))
    if heldout:
        out += ["\n\nHeld-out skill compositions (tasks never sampled in training; "
                "paired differences against top-k softmax with the same other keys):\n\n",
                common.markdown_table(["arm", "val MSE (training tasks)", "held-out MSE",
                                       "Δ held-out vs top-k softmax (paired)"], heldout,
                                      "lrrr")]
    groups = _group_rows(keys, metrics["val_mse"], metrics["groups_per_token"],
                         rc.finals(rows, "group_nmi", keys))
    if groups:
        out += ["\n\nHierarchical clusters, the experts in one group per super-cluster "
                "(simulated devices): devices a token is dispatched to, and the NMI of its "
                "main group with its super-cluster; SAM's quality is paired against Switch "
                "top-1 (one device, one expert) with the same other keys:\n\n",
                common.markdown_table(["arm", "val MSE", "Δ vs Switch top-1 (paired)",
                                       "devices / token", "group NMI"], groups, "lrrrr")]
    claims = _claims(keys, metrics)
    if claims:
        out += ["\n\nThe routers' headline claims at this scale (paired differences over "
                "replicates, 95% CIs; *agrees* when the interval lies on the claimed side "
                "of 0, *DISAGREES* when on the other, else *inconclusive*):\n\n",
                common.markdown_table(["claim", "arm", "measured", "verdict"], claims,
                                      "llll")]
    return "".join(out)


def _heldout_rows(keys, mse, heldout):
    """[arm, val MSE, held-out MSE, paired Δ] for the arms that have held-out tasks."""
    out = []
    for key in sorted(heldout, key=str):
        m, lo, hi = rc.summary(mse.get(key, {}))
        h, hlo, hhi = rc.summary(heldout[key])
        ref = rc.reference_of(keys, key, heldout)
        diff = rc.paired(heldout[key], heldout[ref]) if ref else None
        out.append([rc.arm_label(keys, key), common.fmt_ci(m, lo, hi, 4),
                    common.fmt_ci(h, hlo, hhi, 4),
                    common.fmt_ci(diff["mean"], diff["low"], diff["high"], 4)
                    if diff else "reference"])
    return out


def _switch_of(keys, key):
    """The Switch top-1 arm with key's other keys (k = 1), or None."""
    if "k" not in keys:
        return None
    switch = list(key)
    switch[0], switch[keys.index("k")] = "switch", 1
    return tuple(switch)


def _group_rows(keys, mse, devices, group_nmi):
    """[arm, val MSE, Δ vs Switch, devices / token, group NMI] per arm with groups."""
    out = []
    for key in sorted(devices, key=str):
        switch = _switch_of(keys, key)
        diff = (rc.paired(mse.get(key, {}), mse[switch])
                if switch in mse and switch != key else None)
        m, lo, hi = rc.summary(mse.get(key, {}))
        g, glo, ghi = rc.summary(devices[key])
        n, nlo, nhi = rc.summary(group_nmi.get(key, {}))
        out.append([rc.arm_label(keys, key), common.fmt_ci(m, lo, hi, 4),
                    common.fmt_ci(diff["mean"], diff["low"], diff["high"], 4) if diff else "—",
                    common.fmt_ci(g, glo, ghi, 2), common.fmt_ci(n, nlo, nhi, 2)])
    return out


def _sam_claims(keys, key, metrics):
    """SAM (Jiang et al., 2021): several experts on one device beat Switch's one at
    Switch's communication, one device per token (arms with k >= 2)."""
    out = []
    switch = _switch_of(keys, key)
    if switch in metrics["val_mse"] and switch != key:
        d = rc.paired(metrics["val_mse"][key], metrics["val_mse"][switch])
        if d:
            out.append(["SAM (Jiang et al., 2021): several experts inside one group beat "
                        "Switch top-1", rc.arm_label(keys, key),
                        "Δ val MSE vs Switch %s" % common.fmt_ci(d["mean"], d["low"],
                                                               d["high"], 4),
                        common.sign_verdict(d["low"], d["high"], -1)])
    devices = list(metrics["groups_per_token"].get(key, {}).values())
    if devices:
        out.append(["SAM: at Switch's communication, one device per token",
                    rc.arm_label(keys, key),
                    "devices / token ≤ %.3f in every replicate" % max(devices),
                    "agrees" if max(devices) <= 1.0 else "DISAGREES"])
    return out


def _claims(keys, metrics):
    """[claim, arm, measured, verdict] rows from the final metrics."""
    mse, entropy = metrics["val_mse"], metrics["load_entropy"]
    out = []
    for key in sorted(mse, key=str):
        router = common.parse_spec(key[0])[0]
        ref = rc.reference_of(keys, key, mse)
        if router in QUALITY_CLAIMS and ref:
            d = rc.paired(mse[key], mse[ref])
            if d:
                out.append([QUALITY_CLAIMS[router], rc.arm_label(keys, key),
                            "Δ val MSE %s" % common.fmt_ci(d["mean"], d["low"], d["high"], 4),
                            common.sign_verdict(d["low"], d["high"], -1)])
        if router == "aoe" and ref and key[keys.index("balance")] > 0:
            d = rc.paired(entropy.get(key, {}), entropy.get(ref, {}))
            if d:
                out.append(["AoE: a more balanced load than the router-based MoE, both with the "
                            "balance loss", rc.arm_label(keys, key),
                            "Δ load entropy %s" % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                            common.sign_verdict(d["low"], d["high"], 1)])
        if router == "sam" and "k" in keys and key[keys.index("k")] >= 2:
            out += _sam_claims(keys, key, metrics)
        if router == "expert_choice":
            values = list(entropy.get(key, {}).values())
            dead = list(metrics["dead_experts"].get(key, {}).values())
            balanced = bool(values) and min(values) > 0.999 and max(dead, default=0) == 0
            out.append(["Expert Choice: perfect load balance by construction",
                        rc.arm_label(keys, key),
                        "load entropy ≥ %.4f, dead experts ≤ %d in every replicate"
                        % (min(values, default=float("nan")), max(dead, default=0)),
                        "agrees" if balanced else "DISAGREES"])
        balance = keys.index("balance") if "balance" in keys else None
        if router in BALANCED_BY_LOSS and balance is not None and key[balance] > 0:
            off = key[:balance] + (0.0,) + key[balance + 1:]
            d = rc.paired(entropy[key], entropy[off]) if off in entropy else None
            if d:
                out.append(["the balance loss evens the expert load (Shazeer et al., 2017)",
                            rc.arm_label(keys, key),
                            "Δ load entropy vs balance = 0 %s"
                            % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                            common.sign_verdict(d["low"], d["high"], 1)])
    return out
