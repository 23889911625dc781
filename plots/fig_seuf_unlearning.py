"""seuf_unlearning: SEUF, unlearning one expert (Zhuang et al., ACL 2025),
against whole-model unlearning and other localisations, on a memorised
key -> value table whose topic 0 is unlearned. One panel per cell (e.g.
objective GA or GDiff): retain accuracy on held-out facts of the other
topics against forget accuracy along each arm's unlearning (mean over
replicates; upper right is better). headline(): the table (retain accuracy
at the first checkpoint reaching the forget target, routing kept) and the
paper's claims as paired differences over replicates."""

import common
import routing_common as rc

EXPERIMENT = "seuf_unlearning"
ARMS = ("full_ga", "full_gdiff", "routers", "expert_only", "seuf_a0", "seuf_a1", "seuf_a100",
        "random_expert", "top3_block", "top3_global")
LABELS = {"full_ga": "whole model, GA", "full_gdiff": "whole model, GDiff",
          "routers": "routers only", "expert_only": "top-1 expert, no router",
          "seuf_a0": "top-1 expert + router, α = 0", "seuf_a1": "SEUF (α = 1)",
          "seuf_a100": "top-1 expert + router, α = 100",
          "random_expert": "random expert + router, α = 1",
          "top3_block": "top 3 in one block, α = 1", "top3_global": "top 3 across blocks, α = 1"}
CELL_KEYS = ("vocabulary", "objective", "E", "k", "blocks", "keys")


def _cell_keys(rows):
    """The keys that vary, and always the objective (it names the baseline)."""
    return ["objective"] + [k for k in CELL_KEYS
                            if k != "objective" and len(common.unique(rows, k)) > 1]



def _values(rows):
    """{(cell, metric, arm, step): {replicate: value}} and the cell keys."""
    keys = _cell_keys(rows)
    out = {}
    for r in rows:
        metric, _, arm = r["metric"].partition(".")
        cell = tuple(r[k] for k in keys)
        out.setdefault((cell, metric, arm, r["step"]), {})[r["replicate"]] = r["value"]
    return out, keys


def _cells(values):
    return sorted({c for (c, _, _, _) in values})


def _final(values, cell, metric, arm):
    steps = [s for (c, m, a, s) in values if (c, m, a) == (cell, metric, arm)]
    return values[(cell, metric, arm, max(steps))] if steps else {}



def plot(rows, figures_dir):
    plt = common.use_style()
    palette = common.Palette()
    values, keys = _values(rows)
    cells = _cells(values)
    fig, axes = plt.subplots(1, len(cells), figsize=(5.5 * len(cells), 4.6), squeeze=False,
                             sharey=True)
    for ax, cell in zip(axes[0], cells):
        for arm in ARMS:
            steps = sorted(s for (c, m, a, s) in values
                           if (c, m, a) == (cell, "forget_accuracy", arm))
            if not steps:
                continue
            x = [rc.mean_of(values[(cell, "forget_accuracy", arm, s)]) for s in steps]
            y = [rc.mean_of(values.get((cell, "retain_accuracy", arm, s), {})) for s in steps]
            ax.plot(x, y, "o-", ms=2.5, lw=1.2, color=palette(arm), label=LABELS[arm])
        ax.invert_xaxis()
        ax.set_xlabel("forget accuracy (topic 0; chance 0.1)")
        ax.set_title(rc.cell_label(keys, cell))
    axes[0][0].set_ylabel("retain accuracy (held-out facts of other topics)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _claims(values, keys):
    out = []
    for cell in _cells(values):
        where = rc.cell_label(keys, cell)
        objective = dict(zip(keys, cell))["objective"]

        def diff(metric, a, b):
            return rc.paired(_final(values, cell, metric, a), _final(values, cell, metric, b))

        for metric, a, b, claim, what, sign in (
                ("retain_at_forget", "seuf_a1", "full_" + objective,
                 "SEUF keeps more utility than the same unlearning of the whole model (paper: "
                 "up to +35% utility; GA on Qwen 0.339 → 0.501 at equal forgetting)",
                 "Δ retain accuracy at the forget target", 1),
                ("target_kept", "seuf_a1", "seuf_a0",
                 "the anchor keeps the target expert selected (paper: without it, unlearning "
                 "moves the routing off the target)", "Δ share of forget positions routed to it",
                 1),
                ("routing_overlap", "full_" + objective, "seuf_a1",
                 "whole-model unlearning moves the forget topic's routing more (paper: a "
                 "routing shortcut, 'fake' unlearning)", "Δ routing kept, whole − SEUF", -1),
                ("retain_at_forget", "seuf_a1", "top3_global",
                 "one expert beats the top 3 across blocks (paper: top-1 0.510 vs top-6 "
                 "across layers 0.257 utility)", "Δ retain accuracy at the forget target", 1),
                ("steps_to_forget", "random_expert", "seuf_a1",
                 "a random expert forgets less than the top-affinity one (paper: FE 0.351 vs "
                 "0.254 with RMU)",
                 "Δ steps to the forget target (never: steps + eval_every), random − SEUF", 1)):
            d = diff(metric, a, b)
            if d:
                out.append(rc.claim_row(claim, where, what, d, sign))
    return out


def headline(rows):
    values, keys = _values(rows)
    body = []
    for cell in _cells(values):
        for arm in ARMS:
            forgot = _final(values, cell, "forgot", arm)
            if not forgot:
                continue
            at = _final(values, cell, "retain_at_forget", arm)
            at_step = {r: v for r, v in _final(values, cell, "steps_to_forget", arm).items()
                       if forgot.get(r, 0) > 0}
            body.append([rc.cell_label(keys, cell), LABELS[arm],
                         "%.2f" % rc.mean_of(_final(values, cell, "trained_share", arm)),
                         "%d/%d" % (sum(v > 0 for v in forgot.values()), len(forgot)),
                         "%.0f" % rc.mean_of(at_step) if at_step else "—",
                         common.fmt_ci(*common.mean_ci(list(at.values())), 3) if len(at) > 1
                         else ("%.3f" % rc.mean_of(at) if at else "—"),
                         "%.3f" % rc.mean_of(_final(values, cell, "forget_accuracy", arm)),
                         "%.2f" % rc.mean_of(_final(values, cell, "routing_overlap", arm)),
                         "%.2f" % rc.mean_of(_final(values, cell, "target_kept", arm))])
    share = "; ".join("%s: %.2f" % (rc.cell_label(keys, cell),
                                    rc.mean_of(values.get((cell, "affinity_share", "", 0), {})))
                      for cell in _cells(values))
    memorised = [v for (c, m, a, s), d in values.items() if m == "memorised" for v in d.values()]
    return ("## seuf_unlearning: unlearning one expert (SEUF)\n\n"
            "%d replicates. One MoE transformer per replicate memorises a key → value table "
            "(mean accuracy %.3f); topic 0 is then unlearned by each arm from a copy (GA: "
            "gradient ascent on its facts; GDiff: plus descent on half of the other topics' "
            "facts); utility is the accuracy on the other half, never trained on during "
            "unlearning. The top-1 expert's share of its block's affinity to topic 0 "
            "(uniform: 1/E), mean per cell: %s. Retain accuracy is read at the first checkpoint "
            "whose "
            "forget accuracy reaches the target (the paper keeps its best-balance checkpoint). "
            "Claims as paired differences over replicates (*agrees* when the 95%% CI lies on "
            "the claimed side, *DISAGREES* when on the other, else *inconclusive*):\n\n"
            % (len(common.unique(rows, "replicate")), sum(memorised) / max(len(memorised), 1),
               share)
            + common.markdown_table(["cell", "arm", "params trained", "forgot",
                                     "steps to forget", "retain at forget target",
                                     "final forget accuracy", "routing kept", "target kept"],
                                    body, "llrrrrrrr")
            + "\n\n"
            + common.markdown_table(["claim", "where", "measured", "verdict"],
                                    _claims(values, keys), "llll"))
