"""routing_charlm: routers training one MoE transformer on a character-level
language model (Debian's licence texts).

Left: held-out bits per character over training, one line per arm (mean
with 95% band over replicates), beside the training split's unigram
entropy (dotted). Right: normalised load entropy H(f)/log E of the
validation routing over training. The report section tabulates final
bits per character with paired differences against top-k softmax (common
random numbers: the same windows and initial weights per replicate), the
margin below the unigram entropy, training bits per character, load
balance, dead experts and experts per token.
"""

import common
import routing_common as rc

EXPERIMENT = "routing_charlm"


def unigram_bpc(rows, keys):
    table = rc.finals(rows, "theory.unigram_bpc", keys)
    for values in table.values():
        for v in values.values():
            return v
    return float("nan")


def plot(rows, figures_dir):
    plt = common.use_style()
    keys = rc.arm_keys(rows)
    palette = common.Palette()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.4))
    for ax, metric in ((left, "val_bpc"), (right, "load_entropy")):
        for key, c in common.summarize(common.select(rows, metric=metric), keys).items():
            ax.plot(c["x"], c["mean"], color=palette(key), label=rc.arm_label(keys, key))
            common.band(ax, c["x"], c["low"], c["high"], palette(key))
        ax.set_xscale("log")
        ax.set_xlabel("training step")
    left.axhline(unigram_bpc(rows, keys), color="0.4", ls=":", label="unigram entropy (train)")
    left.set_ylabel("held-out bits per character")
    left.set_title("next-character loss (same windows and init per replicate)")
    right.set_ylabel("load entropy H(f) / log E")
    right.set_title("load balance of the validation routing")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
               fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    keys = rc.arm_keys(rows)
    names = ("val_bpc", "train_bpc", "load_entropy", "dead_experts", "experts_per_token",
             "diverged")
    metrics = {m: rc.finals(rows, m, keys) for m in names}
    unigram = unigram_bpc(rows, keys)
    body = []
    for key, values in metrics["val_bpc"].items():
        m, lo, hi = rc.summary(values)
        ref = rc.reference_of(keys, key, metrics["val_bpc"])
        diff = rc.paired(values, metrics["val_bpc"][ref]) if ref else None
        diff_text = (common.fmt_ci(diff["mean"], diff["low"], diff["high"], 3)
                     if diff else "reference")
        cells = [rc.arm_label(keys, key), common.fmt_ci(m, lo, hi, 3), diff_text,
                 "%.2f" % (unigram - m)]
        for metric in ("train_bpc", "load_entropy", "dead_experts", "experts_per_token"):
            cm, clo, chi = rc.summary(metrics[metric].get(key, {}))
            cells.append(common.fmt_ci(cm, clo, chi, 2))
        diverged = metrics["diverged"].get(key, {})
        cells.append("%d / %d" % (sum(diverged.values()), len(diverged)))
        body.append(cells)
    best = min((rc.summary(v)[0] for v in metrics["val_bpc"].values()), default=float("nan"))
    return ("## routing_charlm: routers on a character-level language model\n\n"
            "Each arm trains the same MoE transformer (causal attention and an MoE "
            "FFN per block, AdamW) on the same random windows of Debian's licence "
            "texts from the same initial weights in a replicate (common random "
            "numbers), %s; bits per character on held-out blocks (one in ten). "
            "The training split's unigram entropy is %.3f bits/char: a model that "
            "knows character frequencies but no context. Best mean held-out value "
            "%.3f, %.2f bits/char below it. Differences are paired against top-k "
            "softmax with the same other keys (negative = better). Expert choice "
            "routes over the whole batch, so it sees later positions (not causal): "
            "a training comparison only. The licence texts repeat passages across "
            "versions (GPL-2/LGPL-2.x, GFDL-1.2/1.3), so held-out blocks are not "
            "independent of the training text.\n\n"
            % (rc.grid_text(rows), unigram, best, unigram - best)
            + common.markdown_table(
                ["arm", "held-out bits/char", "vs top-k softmax", "below unigram",
                 "train bits/char", "load entropy", "dead experts", "experts/token",
                 "diverged"], body, "lrrrrrrrr"))
