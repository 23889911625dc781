"""routing_hetero: HMoE's experts of different widths (Wang et al., EMNLP
2025) against the standard balance loss and a homogeneous layer of equal
total parameters. Left: validation MSE against the active hidden units per
token (mean, 95% CI), one point per arm. Right: active hidden units per
token of each latent cluster, the clusters ordered by difficulty (cluster c
adds random Fourier features rising with c), one line per heterogeneous
arm. headline(): the table of arms and the paper's claims as paired
differences over replicates trained on the same data: without an
auxiliary loss large experts take most tokens; the P-Penalty activates
fewer parameters than the balance loss on the same experts (and, with
top-p, than the homogeneous layer); it beats the homogeneous layer's
quality; small experts take the easy tokens
(the correlation across clusters of difficulty with active width is
positive)."""

import numpy as np

import common
import routing_common as rc

EXPERIMENT = "routing_hetero"
BASELINE = "topk_softmax(renormalize=true)"


def _keys(rows):
    return rc.arm_keys(rows, ("router", "sizes", "balance"))


def _width_by_cluster(rows, keys):
    """{arm: {replicate: {cluster: active width}}} at the last step."""
    out = {}
    for r in common.final_rows(rows, "steps"):
        if r["metric"].startswith("width_by_cluster."):
            cluster = int(r["metric"].split(".")[1])
            key = tuple(r[k] for k in keys)
            out.setdefault(key, {}).setdefault(r["replicate"], {})[cluster] = r["value"]
    return out


def _difficulty_correlation(by_replicate):
    """{replicate: Pearson r of cluster index (difficulty) and active width}."""
    out = {}
    for rep, widths in by_replicate.items():
        clusters = sorted(widths)
        w = np.array([widths[c] for c in clusters])
        if len(clusters) > 2 and w.std() > 0:
            out[rep] = float(np.corrcoef(np.array(clusters, dtype=float), w)[0, 1])
    return out


def _hmoe(router):
    """(penalty, p, entropy_loss) of an hmoe spec, None for another router."""
    name, args = common.parse_spec(router)
    if name != "hmoe":
        return None
    return (float(args.get("penalty", "0.1")), float(args.get("p", "0")),
            float(args.get("entropy_loss", "0.03")))


def _baseline(p, entropy_loss):
    """The homogeneous-routing spec with hmoe's selection: top-k, or top-p
    with the same entropy loss (it alone cuts the experts per token)."""
    if p == 0:
        return BASELINE
    return "top_p(p=%g,strict=false,renormalize=true,entropy_loss=%g)" % (p, entropy_loss)


def plot(rows, figures_dir):
    plt = common.use_style()
    palette = common.Palette()
    keys = _keys(rows)
    mse = rc.finals(rows, "val_mse", keys)
    width = rc.finals(rows, "active_width", keys)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.4))
    for key in sorted(mse, key=str):
        m, lo, hi = rc.summary(mse[key])
        w, wlo, whi = rc.summary(width.get(key, {}))
        left.errorbar([w], [m], xerr=[[w - wlo], [whi - w]], yerr=[[m - lo], [hi - m]], fmt="o",
                      capsize=3, color=palette(key), label=rc.arm_label(keys, key))
    left.set_xlabel("active hidden units per token (mean, 95% CI)")
    left.set_ylabel("validation MSE (mean, 95% CI)")
    left.set_title("quality vs activated parameters")
    for key, reps in sorted(_width_by_cluster(rows, keys).items(), key=str):
        clusters = sorted({c for widths in reps.values() for c in widths})
        means = [np.mean([w[c] for w in reps.values() if c in w]) for c in clusters]
        right.plot(clusters, means, "o-", color=palette(key), label=rc.arm_label(keys, key))
    right.set_xlabel("latent cluster (difficulty rises with the index)")
    right.set_ylabel("active hidden units per token")
    right.set_title("expert size vs token difficulty")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _diff_claim(text, keys, a, b, values, metric, sign, digits=4):
    d = rc.paired(values[a], values[b]) if a in values and b in values else None
    if not d:
        return None
    return [text, "%s vs %s" % (rc.arm_label(keys, a), rc.arm_label(keys, b)),
            "Δ %s %s" % (metric, common.fmt_ci(d["mean"], d["low"], d["high"], digits)),
            common.sign_verdict(d["low"], d["high"], sign)]


def _claims(keys, mse, width, correlation):
    out = []
    for key in sorted(mse, key=str):
        hmoe = _hmoe(key[0])
        # The claims are about HMoE's own loss: arms with the balance loss
        # on top of it are in the table only.
        if (hmoe is None or key[keys.index("sizes")] == "uniform"
                or ("balance" in keys and key[keys.index("balance")] != 0)):
            continue
        penalty, p, entropy_loss = hmoe
        homogeneous = rc.with_keys(keys, key, router=_baseline(p, entropy_loss), sizes="uniform",
                            balance=0.01)
        balanced = rc.with_keys(keys, key, router=_baseline(p, entropy_loss), balance=0.01)
        if penalty == 0:
            out.append(_diff_claim("without an auxiliary loss, large experts take most tokens "
                                   "(more active units than the homogeneous layer)", keys, key,
                                   homogeneous, width, "active units", 1, 2))
            continue
        out.append(_diff_claim("the P-Penalty activates fewer parameters than the balance loss "
                               "on the same experts", keys, key, balanced, width,
                               "active units", -1, 2))
        if p > 0:
            out.append(_diff_claim("HMoE top-p activates fewer parameters than homogeneous top-p "
                                   "(paper: 0.68B vs 1.23B)", keys, key, homogeneous, width,
                                   "active units", -1, 2))
        out.append(_diff_claim("with the P-Penalty, heterogeneous experts beat the homogeneous "
                               "layer of equal total parameters (paper: 45.94 vs 45.64 top-k, "
                               "46.53 vs 45.62 top-p)", keys, key, homogeneous, mse,
                               "val MSE", -1))
        r = correlation.get(key, {})
        if len(r) > 1:
            m, lo, hi = rc.summary(r)
            out.append(["small experts take the easy tokens", rc.arm_label(keys, key),
                        "corr(difficulty, active units) %s" % common.fmt_ci(m, lo, hi, 2),
                        common.sign_verdict(lo, hi, 1)])
    return [c for c in out if c]


def headline(rows):
    keys = _keys(rows)
    mse = rc.finals(rows, "val_mse", keys)
    width = rc.finals(rows, "active_width", keys)
    entropy = rc.finals(rows, "load_entropy", keys)
    correlation = {key: _difficulty_correlation(reps)
                   for key, reps in _width_by_cluster(rows, keys).items()}
    body = []
    for key in sorted(mse, key=str):
        m, lo, hi = rc.summary(mse[key])
        w, wlo, whi = rc.summary(width.get(key, {}))
        e, elo, ehi = rc.summary(entropy.get(key, {}))
        r = correlation.get(key, {})
        c = common.fmt_ci(*rc.summary(r), 2) if len(r) > 1 else "—"
        body.append([rc.arm_label(keys, key), common.fmt_ci(m, lo, hi, 4),
                     common.fmt_ci(w, wlo, whi, 1), common.fmt_ci(e, elo, ehi, 2), c])
    claims = _claims(keys, mse, width, correlation)
    return ("## routing_hetero: HMoE's experts of different sizes\n\n"
            "%s. Heterogeneous arms have routed experts of different hidden widths summing to "
            "the homogeneous layer's E d_ff (equal total parameters); weights are renormalised "
            "over the selected experts (the paper's App. Eq. 8). The P-Penalty weighs each "
            "expert's selections by its width over the mean width (`hmoe`), the balance loss "
            "is the Switch loss (0.01); top-p arms share the entropy loss (0.03). Active units = hidden units of the selected experts per "
            "token (active expert parameters are 3 d times this); corr = Pearson correlation "
            "across the latent clusters of difficulty (the cluster's number of random Fourier "
            "features) with the cluster's active units, per replicate. Paper (Wang et al., EMNLP "
            "2025): without a loss the large experts dominate; the P-Penalty moves tokens to "
            "small experts, the easy ones first, lowering the activated parameters while "
            "matching or beating the homogeneous model. Claims as paired differences over "
            "replicates trained on the same data (*agrees* when the 95%% CI lies on the claimed "
            "side of 0, *DISAGREES* when on the other, else *inconclusive*):\n\n"
            % rc.grid_text(rows)
            + common.markdown_table(["arm", "val MSE", "active units / token", "load entropy",
                                     "corr(difficulty, units)"], body, "lrrrr")
            + "\n\n"
            + common.markdown_table(["claim", "compared", "measured", "verdict"], claims,
                                    "llll"))
