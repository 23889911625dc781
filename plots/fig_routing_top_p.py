"""routing_top_p: dynamic top-p routing on clusters of rising difficulty.

Left: experts per token against the cluster index (cluster c's target adds
a share c / (K - 1) of the Fourier features, so difficulty rises with c),
one line per arm. Right: validation MSE against the mean experts per token
(mean, 95% CI). The report tests the paper's claims: harder inputs get more
experts, and top-p beats top-2 with fewer activated experts.
"""

import re

import common
import routing_common as rc

EXPERIMENT = "routing_top_p"


def _keys(rows):
    return rc.arm_keys(rows, ("router", "k"))


def by_cluster(rows, keys, prefix):
    """{arm: {cluster: mean over replicates}} of <prefix>.<c> final rows."""
    out = {}
    for r in common.final_rows(rows, "steps"):
        m = re.fullmatch(re.escape(prefix) + r"\.(\d+)", r["metric"])
        if m:
            key = tuple(r[k] for k in keys)
            out.setdefault(key, {}).setdefault(int(m.group(1)), []).append(r["value"])
    return {key: {c: sum(v) / len(v) for c, v in sorted(per.items())}
            for key, per in out.items()}


def plot(rows, figures_dir):
    plt = common.use_style()
    keys = _keys(rows)
    palette = common.Palette()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.2))
    for key, per in by_cluster(rows, keys, "experts_by_cluster").items():
        left.plot(list(per), list(per.values()), "o-", color=palette(key),
                  label=rc.arm_label(keys, key))
    left.set_xlabel("cluster (difficulty rises →)")
    left.set_ylabel("experts per token")
    mse = rc.finals(rows, "val_mse", keys)
    experts = rc.finals(rows, "experts_per_token", keys)
    for key in mse:
        m, lo, hi = rc.summary(mse[key])
        e, elo, ehi = rc.summary(experts[key])
        right.errorbar([e], [m], xerr=[[e - elo], [ehi - e]], yerr=[[m - lo], [hi - m]],
                       fmt="o", color=palette(key), capsize=3, label=rc.arm_label(keys, key))
    right.set_yscale("log")
    right.set_xlabel("mean experts per token")
    right.set_ylabel("validation MSE")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
               fontsize=7)
    fig.suptitle("Dynamic top-p: experts vs difficulty, quality vs compute")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _slope(per):
    """Least-squares slope of experts per token on the cluster index."""
    import numpy as np
    xs = np.array(list(per), dtype=float)
    ys = np.array(list(per.values()), dtype=float)
    return float(np.polyfit(xs, ys, 1)[0]) if xs.size > 1 else float("nan")


def headline(rows):
    keys = _keys(rows)
    mse = rc.finals(rows, "val_mse", keys)
    experts = rc.finals(rows, "experts_per_token", keys)
    per_cluster = by_cluster(rows, keys, "experts_by_cluster")
    body = []
    for key in mse:
        m, lo, hi = rc.summary(mse[key])
        e, elo, ehi = rc.summary(experts[key])
        per = per_cluster.get(key, {})
        body.append([rc.arm_label(keys, key), common.fmt_ci(m, lo, hi, 4),
                     common.fmt_ci(e, elo, ehi, 2),
                     common.fmt(per[min(per)]) if per else "n/a",
                     common.fmt(per[max(per)]) if per else "n/a",
                     common.fmt(_slope(per)) if per else "n/a"])
    return ("## routing_top_p: do harder inputs get more experts?\n\n"
            "Clusters of rising difficulty, %s. Paper (Huang, An et al., ACL 2024): "
            "top-p (p = 0.4) beats top-2 by 0.7 points on average with under 90%% of its "
            "activated parameters (1.76-1.87 experts per token), harder tasks (BBH) "
            "get more experts, and dropping the entropy loss raises the mean from "
            "about 1.8 to 2.0 experts. Here: experts per token on the easiest and "
            "hardest cluster and the slope over clusters (positive = harder inputs "
            "get more experts).\n\n" % rc.grid_text(rows)
            + common.markdown_table(["arm", "val MSE", "experts / token",
                                     "easiest cluster", "hardest cluster",
                                     "slope per cluster"], body, "lrrrrr"))
