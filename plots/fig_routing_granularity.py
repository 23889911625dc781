"""routing_granularity: DeepSeekMoE's fine-grained experts at equal active
FLOPs. Figure: validation MSE against the granularity m (each expert split
into m of 1/m the width, m k active), one line per number of shared
experts (mean, 95% band over replicates), beside the router's NMI with the
latent cluster. headline(): the table of arms and the two claims of
DeepSeekMoE (Dai et al., ACL 2024, Sec. 4.5 ablations) as paired
differences over replicates that trained on the same data: finer experts
(the largest m of the grid against the smallest, no shared expert) and an
isolated shared expert (1 shared against none at the paper's m = 4, or the
largest m of the grid below it, or the largest when none is) each lower
the loss; and finer experts are less redundant (Sec. 4.5): disabling each
token's most probable 1/8 of the routed experts raises the loss by a
larger factor (MSE disabled / MSE) at the largest m than at the smallest. NMI has a ceiling below 1 when there are fewer routed experts
than clusters (at m = 1: 2 log E / (log E + log K)), so its rise with m is
partly mechanical."""

import common
import routing_common as rc

EXPERIMENT = "routing_granularity"


def _keys(rows):
    return rc.arm_keys(rows, ("granularity", "shared"))


def _by_shared(rows, metric):
    """{(shared, other keys...): Curve over granularity}."""
    keys = [k for k in _keys(rows) if k != "granularity"]
    return keys, common.curves(rows, metric, keys, "granularity", horizon_key="steps")


def plot(rows, figures_dir):
    plt = common.use_style()
    palette = common.Palette()
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.2))
    for ax, metric, ylabel in ((axes[0], "val_mse", "validation MSE"),
                               (axes[1], "nmi", "NMI(top-1 routed expert, cluster)")):
        keys, curves = _by_shared(rows, metric)
        for key, curve in curves.items():
            xs, mean, low, high = curve.means()
            label = common.describe_keys(keys, key)
            ax.plot(xs, mean, "o-", color=palette(key), label=label)
            common.band(ax, xs, low, high, palette(key))
        ax.set_xscale("log", base=2)
        ax.set_xlabel("granularity m (m E experts of width d_ff / m, m k active)")
        ax.set_ylabel(ylabel)
    bayes = common.select(common.final_rows(rows, "steps"), metric="theory.bayes_mse")
    if bayes:
        axes[0].axhline(bayes[0]["value"], ls=":", color="#7F7F7F", label="Bayes MSE")
    axes[0].legend(fontsize=7)
    fig.suptitle("DeepSeekMoE: fine-grained and shared experts at equal active FLOPs")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _claim(text, a, b, mse, sign=-1, what="val MSE"):
    """[claim, compared arms, measured, verdict] for the sign of mse[a] - mse[b]."""
    d = rc.paired(mse[a], mse[b]) if a in mse and b in mse else None
    if not d:
        return None
    return [text, "m = %g, %g shared vs m = %g, %g shared" % (a[0], a[1], b[0], b[1]),
            "Δ %s %s" % (what, common.fmt_ci(d["mean"], d["low"], d["high"], 4)),
            common.sign_verdict(d["low"], d["high"], sign)]


def headline(rows):
    keys = _keys(rows)
    mse = rc.finals(rows, "val_mse", keys)
    nmi = rc.finals(rows, "nmi", keys)
    flops = rc.finals(rows, "active_flops_per_token", keys)
    disabled = rc.finals(rows, "val_mse_disabled.1", keys)
    cost = {key: {rep: v / mse[key][rep] for rep, v in reps.items() if rep in mse.get(key, {})}
            for key, reps in disabled.items()}
    body = []
    for key in sorted(mse):
        m, lo, hi = rc.summary(mse[key])
        n, nlo, nhi = rc.summary(nmi.get(key, {}))
        off = common.fmt_ci(*rc.summary(cost[key]), 1) if key in cost else "—"
        body.append([common.describe_keys(keys, key), common.fmt_ci(m, lo, hi, 4),
                     common.fmt_ci(n, nlo, nhi), off, common.fmt(rc.summary(flops[key])[0])])
    claims = []
    rest = tuple(sorted({key[2:] for key in mse}, key=str))
    for other in rest:
        ms = sorted({key[0] for key in mse if key[2:] == other})
        finest, coarsest = (ms[-1], 0) + other, (ms[0], 0) + other
        if finest != coarsest and finest in mse and coarsest in mse:
            claims.append(_claim("finer experts lower the loss at equal active FLOPs",
                                 finest, coarsest, mse))
            claims.append(_claim("finer experts are less redundant: disabling each token's most "
                                 "probable 1/8 of the routed experts raises the loss by a larger "
                                 "factor", finest, coarsest, cost, 1,
                                 "(MSE with the top 1/8 disabled) / MSE"))
        at = max([m for m in ms if m <= 4], default=ms[-1])
        one, none = (at, 1) + other, (at, 0) + other
        if one in mse and none in mse:
            claims.append(_claim("an isolated shared expert lowers the loss", one, none, mse))
    claims = [c for c in claims if c]
    return ("## routing_granularity: DeepSeekMoE's fine-grained and shared experts\n\n"
            "%s. Every arm has the same total expert parameters and the same expert FLOPs "
            "per token, (m k) × (d_ff / m) = k d_ff hidden units (the router's 2 d m E grows "
            "with m and is counted in the active FLOPs column); the router is top-k softmax "
            "over the routed experts without renormalisation, with the layer's expert-level "
            "balance loss (α₁ = 0.01, the paper's 2B model) and no device loss. NMI's ceiling is "
            "below 1 while there are fewer routed experts than clusters, so its rise with m is "
            "partly mechanical. Paper (Dai et al., "
            "ACL 2024, ablations at 2B): segmenting experts more finely and isolating a shared "
            "expert each lower the loss at the same cost. Claims as paired differences over "
            "replicates trained on the same data (*agrees* when the 95%% CI lies on the claimed "
            "side of 0, *DISAGREES* when on the other, else *inconclusive*):\n\n"
            % rc.grid_text(rows)
            + common.markdown_table(["arm", "val MSE", "NMI", "MSE ratio, top 1/8 disabled",
                                     "active FLOPs / token"], body, "lrrrr")
            + "\n\n"
            + common.markdown_table(["claim", "compared", "measured", "verdict"], claims,
                                    "llll"))
