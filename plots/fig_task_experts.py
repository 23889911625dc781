"""task_experts: experts that know the task on multi-task skill
composition (each task sums a few of a set of linear skills; the last
compositions held out). Left: mean per-task test MSE on the training
tasks against active parameters per token, per routing. Right: test MSE
of the held-out compositions (zero-shot) beside the training tasks'.
headline(): the table and the papers' claims as paired differences over
replicates (same task and data per replicate)."""

import common
import routing_common as rc

EXPERIMENT = "task_experts"
ROUTINGS = ("dense", "token", "task_conditioned", "multi_gate", "skills", "skills_wrong",
            "task_level")
LABELS = {"dense": "dense multi-task", "token": "token router (top-k)",
          "task_conditioned": "M3ViT task-conditioned router",
          "multi_gate": "M3ViT multi-gate (a router per task)",
          "skills": "SkillNet, true skill map", "skills_wrong": "SkillNet, wrong skill map",
          "task_level": "task-level MoE (Gumbel routes)"}


def _group_keys(rows):
    return [k for k in ("separation", "blocks", "skills") if len(common.unique(rows, k)) > 1]


def _values(rows):
    """{(group, routing, metric): {replicate: value}} and the group keys."""
    keys = _group_keys(rows)
    out = {}
    for r in rows:
        group = tuple(r[k] for k in keys)
        out.setdefault((group, r["routing"], r["metric"]), {})[r["replicate"]] = r["value"]
    return out, keys


def _groups(values):
    return sorted({g for (g, _, _) in values})




def plot(rows, figures_dir):
    plt = common.use_style()
    palette = common.Palette()
    values, keys = _values(rows)
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.4))
    shapes = ("o", "s", "^", "d", "v", "P")
    markers = {g: shapes[i % len(shapes)] for i, g in enumerate(_groups(values))}
    for group in _groups(values):
        suffix = "" if not keys else " (%s)" % rc.cell_label(keys, group)
        for i, routing in enumerate(ROUTINGS):
            train = values.get((group, routing, "mse.train"), {})
            if not train:
                continue
            mean, low, high = common.mean_ci(list(train.values()))
            active = rc.mean_of(values.get((group, routing, "active_params"), {}))
            axes[0].errorbar([active], [mean], yerr=[[mean - low], [high - mean]],
                             fmt=markers[group], capsize=3, color=palette(routing),
                             label=LABELS[routing] + suffix)
            held = values.get((group, routing, "mse.heldout"), {})
            if held:
                hm, hl, hh = common.mean_ci(list(held.values()))
                axes[1].errorbar([i], [hm], yerr=[[hm - hl], [hh - hm]], fmt=markers[group],
                                 capsize=3, color=palette(routing))
                axes[1].plot([i], [mean], "_", ms=14, color=palette(routing))
    axes[0].set_xlabel("active parameters per token")
    axes[0].set_ylabel("test MSE, training tasks (95% CI)")
    axes[0].set_yscale("log")
    axes[1].set_xticks(range(len(ROUTINGS)))
    axes[1].set_xticklabels([LABELS[r] for r in ROUTINGS], rotation=35, ha="right", fontsize=7)
    axes[1].set_ylabel("test MSE: held out (markers), trained (bars)")
    axes[1].set_yscale("log")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _claims(values, keys):
    out = []
    for group in _groups(values):
        where = rc.cell_label(keys, group) or "all"

        def diff(a, b, metric):
            return rc.paired(values.get((group, a, metric), {}),
                             values.get((group, b, metric), {}))

        for a, b, metric, claim, sign in (
                ("task_conditioned", "token", "mse.train",
                 "a task-conditioned router interferes less than a shared token router "
                 "(M3ViT: task-specific sparse pathways)", -1),
                ("multi_gate", "token", "mse.train",
                 "a router per task interferes less than a shared token router (M3ViT "
                 "multi-gate)", -1),
                ("multi_gate", "dense", "mse.train",
                 "task-aware sparse routing beats dense multi-task training at fewer active "
                 "parameters (M3ViT)", -1),
                ("skills", "dense", "mse.train",
                 "predefined skills beat dense multi-task training (SkillNet)", -1),
                ("skills", "skills_wrong", "mse.train",
                 "the true skill map beats a wrong one (SkillNet's premise)", -1),
                ("skills", "multi_gate", "mse.heldout",
                 "predefined skills extend to new compositions zero-shot (SkillNet: new tasks "
                 "reuse existing skills), unlike a learned per-task router", -1),
                ("task_level", "dense", "mse.train",
                 "task-level routes beat dense multi-task training with one expert per block "
                 "(Ye et al.: task-level MoE above the multi-task baseline)", -1)):
            d = diff(a, b, metric)
            if d:
                out.append(rc.claim_row(claim, where, "Δ %s, %s − %s" % (metric, a, b), d, sign,
                                        4))
        lift = list(values.get((group, "task_level", "route_skill_lift"), {}).values())
        if len(lift) > 1:
            mean, low, high = common.mean_ci(lift)
            out.append(rc.claim_row(
                "task-level routes follow the latent skills: tasks sharing a skill share a "
                "route more often than tasks sharing none (Ye et al.: routes follow task "
                "categories)", where, "route-skill lift (0: blind to skills)",
                {"mean": mean, "low": low, "high": high}, 1, 3))
    return out


def headline(rows):
    values, keys = _values(rows)
    body = []
    for group in _groups(values):
        for routing in ROUTINGS:
            train = values.get((group, routing, "mse.train"), {})
            if not train:
                continue
            held = values.get((group, routing, "mse.heldout"), {})
            body.append([rc.cell_label(keys, group) or "—", LABELS[routing],
                         "%.0f" % rc.mean_of(values.get((group, routing, "active_params"), {})),
                         common.fmt_ci(*common.mean_ci(list(train.values())), 4),
                         "%.4f" % rc.mean_of(values.get((group, routing, "mse.worst_task"), {})),
                         common.fmt_ci(*common.mean_ci(list(held.values())), 4) if held else "—",
                         "%.2f" % rc.mean_of(values.get((group, routing, "route_nmi"), {})),
                         "%.2f" % rc.mean_of(values.get((group, routing, "route_skill_lift"), {}))])
    bayes = [v for (g, r, m), d in values.items() if m == "bayes_mse" for v in d.values()]
    return ("## task_experts: experts that know the task\n\n"
            "%d replicates. Tasks are sums of %s of %s linear skills; the model has one "
            "expert per skill in each of its blocks and routes as many experts as a task has "
            "skills (one for task-level routes). The Bayes MSE is %.4f. Held-out compositions "
            "were never trained on. Claims as paired differences over replicates (*agrees* when "
            "the "
            "95%% CI lies on the claimed side, *DISAGREES* when on the other, else "
            "*inconclusive*):\n\n"
            % (len(common.unique(rows, "replicate")),
               " or ".join(str(v) for v in common.unique(rows, "skills_per_task")),
               " or ".join(str(v) for v in common.unique(rows, "skills")),
               sum(bayes) / max(len(bayes), 1))
            + common.markdown_table(["cell", "routing", "active params / token",
                                     "MSE, training tasks", "worst task", "MSE, held-out",
                                     "route NMI", "route-skill lift"], body, "llrrrrrr")
            + "\n\n"
            + common.markdown_table(["claim", "where", "measured", "verdict"],
                                    _claims(values, keys), "llll"))
