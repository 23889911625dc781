"""routing_specialization: NMI, purity and oracle agreement between the
router's top-1 expert and the latent cluster against the clusters'
separation, one line per router (mean, 95% band over replicates)."""

import common
import routing_common as rc

EXPERIMENT = "routing_specialization"


def _keys(rows):
    return rc.arm_keys(rows, ("router",))


def plot(rows, figures_dir):
    plt = common.use_style()
    keys = [k for k in _keys(rows) if k != "separation"]
    palette = common.Palette()
    panels = [("nmi", "NMI(top-1 expert, cluster)"), ("purity", "purity"),
              ("oracle_agreement", "oracle agreement")]
    panels = [p for p in panels if common.select(rows, metric=p[0])]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4.2), squeeze=False)
    axes = axes[0]
    for ax, (metric, ylabel) in zip(axes, panels):
        for key, curve in common.curves(rows, metric, keys, "separation",
                                        horizon_key="steps").items():
            xs, mean, low, high = curve.means()
            ax.plot(xs, mean, "o-", color=palette(key), label=rc.arm_label(keys, key))
            common.band(ax, xs, low, high, palette(key))
        ax.set_xscale("log", base=2)
        ax.set_xlabel("cluster separation (noise sd units)")
        ax.set_ylabel(ylabel)
        ax.set_ylim(0, 1.02)
    axes[0].legend(fontsize=7)
    fig.suptitle("Specialisation vs separation")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    keys = [k for k in _keys(rows) if k != "separation"]
    body = []
    nmi = common.curves(rows, "nmi", keys, "separation", horizon_key="steps")
    purity = common.curves(rows, "purity", keys, "separation", horizon_key="steps")
    oracle = common.curves(rows, "oracle_agreement", keys, "separation", horizon_key="steps")
    for key, curve in nmi.items():
        xs, mean, low, high = curve.means()
        pxs, pmean, plow, phigh = purity[key].means()
        # Results stored before the metric existed have no oracle rows.
        missing = [float("nan")] * len(xs)
        oxs, omean, olow, ohigh = (oracle[key].means() if key in oracle
                                   else (xs, missing, missing, missing))
        for i, x in enumerate(xs):
            body.append([rc.arm_label(keys, key), common.fmt(x),
                         common.fmt_ci(mean[i], low[i], high[i]),
                         common.fmt_ci(pmean[i], plow[i], phigh[i]),
                         common.fmt_ci(omean[i], olow[i], ohigh[i])])
    return ("## routing_specialization: does the router find the clusters?\n\n"
            "%s. NMI = 2 I / (H(expert) + H(cluster)) between the top-1 expert and the "
            "latent cluster on held-out examples; purity = share of examples routed to "
            "their cluster's majority expert; oracle agreement = share routed where the best "
            "one-to-one map of clusters to experts would route them (an expert that takes "
            "two clusters counts once). Well-separated clusters should give NMI near "
            "1 for a learned router; no router can exceed chance at separation 0.\n\n"
            % rc.grid_text(rows)
            + common.markdown_table(["router", "separation", "NMI", "purity", "oracle agreement"],
                                    body, "lrrrr"))
