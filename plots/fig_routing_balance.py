"""routing_balance: load entropy H(f)/log E and dead experts over training,
one line per arm (router x balance weight), mean with 95% band over
replicates. The report section gives the final values and the share of
runs with a dead expert."""

import common
import routing_common as rc

EXPERIMENT = "routing_balance"


def plot(rows, figures_dir):
    plt = common.use_style()
    keys = rc.arm_keys(rows)
    palette = common.Palette()
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.2))
    for ax, metric, ylabel in ((axes[0], "load_entropy", "load entropy H(f) / log E"),
                               (axes[1], "dead_experts", "dead experts (f < 0.1/E)")):
        for key, c in common.summarize(common.select(rows, metric=metric), keys).items():
            ax.plot(c["x"], c["mean"], color=palette(key), label=rc.arm_label(keys, key))
            common.band(ax, c["x"], c["low"], c["high"], palette(key))
        ax.set_xscale("log")
        ax.set_xlabel("training step")
        ax.set_ylabel(ylabel)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
               fontsize=7)
    fig.suptitle("Load balance over training (validation routing)")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    keys = rc.arm_keys(rows)
    entropy = rc.finals(rows, "load_entropy", keys)
    dead = rc.finals(rows, "dead_experts", keys)
    mse = rc.finals(rows, "val_mse", keys)
    body = []
    for key in entropy:
        cells = [rc.arm_label(keys, key)]
        for table in (entropy, dead, mse):
            m, lo, hi = rc.summary(table.get(key, {}))
            cells.append(common.fmt_ci(m, lo, hi, 3))
        runs = dead.get(key, {})
        cells.append("%d / %d" % (sum(v > 0 for v in runs.values()), len(runs)))
        body.append(cells)
    return ("## routing_balance: load balance over training\n\n"
            "Skewed clusters, %s. Expected (Fedus et al., Switch Transformers, JMLR 2022; "
            "routing pitfalls): without the balance loss a learned top-k router "
            "concentrates load (low entropy, dead experts); expert choice is balanced by "
            "construction; DeepSeekMoE's device-level loss (Dai et al., ACL 2024) evens the "
            "load across groups of experts, so even without the expert-level loss "
            "(balance = 0) it lifts the entropy above plain top-k's.\n\n" % rc.grid_text(rows)
            + common.markdown_table(["arm", "final load entropy", "dead experts",
                                     "val MSE", "runs with a dead expert"], body, "lrrrr"))
