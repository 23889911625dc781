"""tame_continual: TAME (Zhu et al., 2022) on a stream of abruptly
switching tasks: task switches detected from loss spikes, one expert per
detected task, a selector trained on a replay buffer; against one network
trained on the same stream. Left: mean test
accuracy over the tasks at the end of the stream against the switch
multiplier k, beside TAME's experts routed by the true task. Right: switch-detection precision and recall and experts
spawned per true task. headline(): the table and the claims as paired
differences over replicates (one stream each)."""

import common
import routing_common as rc

EXPERIMENT = "tame_continual"
ACCURACY = ("tame", "oracle", "sequential")
LABELS = {"tame": "TAME (selector routing)", "oracle": "TAME's experts, routed by the task",
          "sequential": "one network, same stream", "precision": "detection precision",
          "recall": "detection recall", "experts_per_task": "experts spawned per task"}
ORACLE_MARGIN = 0.05  # selector routing within this accuracy of routing by the task


def _values(rows):
    """{(metric, sigmas, other keys): {replicate: value}}, experts per task added."""
    keys = common.extra_keys(rows, {"sigmas"})
    out = {}
    for r in rows:
        arm = (r["sigmas"],) + tuple(r[k] for k in keys)
        out.setdefault((r["metric"], arm), {})[r["replicate"]] = r["value"]
        if r["metric"] == "experts":
            out.setdefault(("experts_per_task", arm), {})[r["replicate"]] = r["value"] / r["tasks"]
    return out, keys


def _arms(values):
    return sorted({arm for (_, arm) in values}, key=lambda a: tuple(map(common.sort_key, a)))


def _name(keys, arm):
    rest = common.describe_keys(keys, arm[1:])
    return "k = %g" % arm[0] + (", " + rest if rest else "")


def plot(rows, figures_dir):
    plt = common.use_style()
    palette = common.Palette()
    values, keys = _values(rows)
    arms = [a for a in _arms(values) if all(x == y for x, y in zip(a[1:], _arms(values)[0][1:]))]
    xs = [a[0] for a in arms]
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.4))
    for ax, metrics in ((axes[0], ["accuracy." + m for m in ACCURACY]),
                        (axes[1], ["precision", "recall", "experts_per_task"])):
        for metric in metrics:
            name = metric.split(".")[-1]
            stats = [common.mean_ci(list(values.get((metric, a), {}).values()) or [float("nan")])
                     for a in arms]
            ax.errorbar(xs, [s[0] for s in stats],
                        yerr=[[s[0] - s[1] for s in stats], [s[2] - s[0] for s in stats]],
                        fmt="o-", capsize=3, color=palette(name), label=LABELS[name])
        ax.set_xlabel("switch multiplier k (threshold mean + k sd)")
        ax.legend(fontsize=7)
    axes[0].set_ylabel("mean test accuracy over tasks (95% CI)")
    axes[1].set_ylabel("mean (95% CI)")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _claims(values, keys):
    out = []
    for arm in _arms(values):
        where = _name(keys, arm)
        tame = values.get(("accuracy.tame", arm), {})
        d = rc.paired(tame, values.get(("accuracy.sequential", arm), {}))
        if d:
            out.append(["TAME is more accurate than one network trained on the same stream "
                        "(paper: above task-agnostic baselines)", where, "Δ accuracy %s"
                        % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                        common.sign_verdict(d["low"], d["high"], 1)])
        d = rc.paired(values.get(("forgetting.tame", arm), {}),
                      values.get(("forgetting.sequential", arm), {}))
        if d:
            out.append(["TAME forgets less than one network on the same stream", where,
                        "Δ forgetting %s" % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                        common.sign_verdict(d["low"], d["high"], -1)])
        d = rc.paired(tame, values.get(("accuracy.oracle", arm), {}))
        if d:
            out.append(["the selector, trained without task labels, routes within %.2f of "
                        "routing by the true task (paper: at par with methods given task "
                        "identities)" % ORACLE_MARGIN, where,
                        "Δ accuracy vs routing by the task %s"
                        % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                        rc.within_loss_margin(d, ORACLE_MARGIN)])
    return out


def headline(rows):
    values, keys = _values(rows)
    metrics = (["accuracy." + m for m in ACCURACY] + ["forgetting.tame", "forgetting.sequential",
                                                      "precision", "recall", "experts",
                                                      "selector_accuracy"])
    body = []
    for arm in _arms(values):
        cells = [_name(keys, arm)]
        for metric in metrics:
            v = values.get((metric, arm), {})
            cells.append(common.fmt_ci(*common.mean_ci(list(v.values())), 3) if v else "—")
        body.append(cells)
    headers = ["switch rule", "accuracy TAME", "routed by the task", "one network",
               "forgetting TAME", "forgetting one network", "precision", "recall", "experts",
               "selector accuracy"]
    tasks = ", ".join("%d" % t for t in common.unique(rows, "tasks"))
    reps = len(common.unique(rows, "replicate"))
    return ("## tame_continual: task-agnostic continual learning with multiple experts\n\n"
            "%d replicates, %s tasks per stream. A switch is detected when an expert's "
            "smoothed loss exceeds the mean of its last raw losses plus k standard "
            "deviations; the first stored expert whose loss is back under its own threshold "
            "resumes, or a new one is spawned. A detection counts as right within %d batches "
            "after a true boundary. Accuracy: mean over tasks at the end of the stream; "
            "forgetting: accuracy right after a task minus at the end. Claims as paired "
            "differences over replicates (*agrees* when the 95%% CI lies on the claimed side, "
            "*DISAGREES* when on the other, else *inconclusive*):\n\n" % (reps, tasks, 20)
            + common.markdown_table(headers, body, "l" + "r" * (len(headers) - 1))
            + "\n\n"
            + common.markdown_table(["claim", "where", "measured", "verdict"],
                                    _claims(values, keys), "llll"))
