"""routing_charlm: routers training one MoE transformer on a character-level
language model: Debian's licence texts (task=text) and, when the sweep has
them, generated algorithmic problems (task=algorithmic: copy, reverse,
sort, increment).

Left: held-out bits per character over training, one line per arm (mean
with 95% band over replicates), beside the text's unigram entropy
(dotted) and the algorithmic generator's entropy rate (dash-dotted).
Right: on the algorithmic task, exact match of whole answers over
training; without it, the normalised load entropy H(f)/log E. The report
section has one table per task: final bits per character with paired
differences against top-k softmax (common random numbers: the same
windows and initial weights per replicate), the margin below the
reference entropy, load balance, dead experts and experts per token, and
on the algorithmic task answer-character accuracy and exact match.
"""

import common
import routing_common as rc

EXPERIMENT = "routing_charlm"


def tasks(rows):
    return common.unique(rows, "task") if "task" in rows[0] else ["text"]


def of_task(rows, task):
    return common.select(rows, task=task) if "task" in rows[0] else rows


def theory(rows, metric):
    values = [r["value"] for r in common.select(rows, metric=metric)]
    return values[0] if values else float("nan")


def plot(rows, figures_dir):
    plt = common.use_style()
    keys = rc.arm_keys(rows)
    palette = common.Palette()
    algorithmic = "algorithmic" in tasks(rows)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.4))
    right_metric = "exact_match" if algorithmic else "load_entropy"
    for ax, metric in ((left, "val_bpc"), (right, right_metric)):
        for key, c in common.summarize(common.select(rows, metric=metric), keys).items():
            ax.plot(c["x"], c["mean"], color=palette(key), label=rc.arm_label(keys, key))
            common.band(ax, c["x"], c["low"], c["high"], palette(key))
        ax.set_xscale("log")
        ax.set_xlabel("training step")
    left.axhline(theory(rows, "theory.unigram_bpc"), color="0.4", ls=":",
                 label="unigram entropy (text)")
    if algorithmic:
        left.axhline(theory(rows, "theory.entropy_rate_bpc"), color="0.4", ls="-.",
                     label="entropy rate (algorithmic)")
    left.set_ylabel("held-out bits per character")
    left.set_title("next-character loss (same windows and init per replicate)")
    if algorithmic:
        right.set_ylabel("exact match of whole answers")
        right.set_title("algorithmic problems (held-out text)")
    else:
        right.set_ylabel("load entropy H(f) / log E")
        right.set_title("load balance of the validation routing")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
               fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def task_table(rows, task):
    keys = rc.arm_keys(rows)
    names = ["val_bpc", "load_entropy", "dead_experts", "experts_per_token", "diverged"]
    if task == "algorithmic":
        names += ["answer_accuracy", "exact_match"]
    metrics = {m: rc.finals(rows, m, keys) for m in names}
    floor_metric = "theory.entropy_rate_bpc" if task == "algorithmic" else "theory.unigram_bpc"
    floor = theory(rows, floor_metric)
    body = []
    for key, values in metrics["val_bpc"].items():
        m, lo, hi = rc.summary(values)
        ref = rc.reference_of(keys, key, metrics["val_bpc"])
        diff = rc.paired(values, metrics["val_bpc"][ref]) if ref else None
        diff_text = (common.fmt_ci(diff["mean"], diff["low"], diff["high"], 3)
                     if diff else "reference")
        gap = m - floor if task == "algorithmic" else floor - m
        cells = [rc.arm_label(keys, key), common.fmt_ci(m, lo, hi, 3), diff_text, "%.2f" % gap]
        extra = ["answer_accuracy", "exact_match"] if task == "algorithmic" else []
        for metric in extra + ["load_entropy", "dead_experts", "experts_per_token"]:
            cm, clo, chi = rc.summary(metrics[metric].get(key, {}))
            cells.append(common.fmt_ci(cm, clo, chi, 2))
        diverged = metrics["diverged"].get(key, {})
        cells.append("%d / %d" % (sum(diverged.values()), len(diverged)))
        body.append(cells)
    floor_name = "above entropy rate" if task == "algorithmic" else "below unigram"
    headers = ["arm", "held-out bits/char", "vs top-k softmax", floor_name]
    if task == "algorithmic":
        headers += ["answer chars right", "exact match"]
    headers += ["load entropy", "dead experts", "experts/token", "diverged"]
    return floor, common.markdown_table(headers, body, "l" + "r" * (len(headers) - 1))


def headline(rows):
    parts = ["## routing_charlm: routers on a character-level language model\n\n"
             "Each arm trains the same MoE transformer (causal attention and an MoE FFN "
             "per block, AdamW) on the same random windows from the same initial weights "
             "in a replicate (common random numbers), %s. Differences are paired against "
             "top-k softmax with the same other keys (negative = better). Expert choice "
             "routes over the whole batch, so it sees later positions (not causal): a "
             "training comparison only.\n\n" % rc.grid_text(rows)]
    for task in tasks(rows):
        sub = of_task(rows, task)
        floor, table = task_table(sub, task)
        best = min((v["value"] for v in common.select(common.final_rows(sub, "steps"),
                                                      metric="val_bpc")), default=float("nan"))
        if task == "algorithmic":
            parts.append(
                "**Algorithmic problems** (one per line, `<op><digits>=<answer>`: copy, "
                "reverse, sort, increment), held-out problems generated apart. The "
                "generator's entropy rate is %.3f bits/char: the loss of a model that "
                "knows every rule and sees each line's start; windows cut lines, so the "
                "first line of a window is partly unseen and the reachable loss is higher. "
                "Exact match counts the lines whose op and digits are inside the window. "
                "Best mean held-out value %.3f bits/char.\n\n" % (floor, best) + table + "\n\n")
        else:
            parts.append(
                "**Debian's licence texts**, bits per character on held-out blocks (one in "
                "ten). The training split's unigram entropy is %.3f bits/char: a model that "
                "knows character frequencies but no context. Best mean held-out value "
                "%.3f, %.2f bits/char below it. The licence texts repeat passages across "
                "versions (GPL-2/LGPL-2.x, GFDL-1.2/1.3), so held-out blocks are not "
                "independent of the training text.\n\n" % (floor, best, floor - best)
                + table + "\n\n")
    return "".join(parts).rstrip() + "\n"
