"""mcsmoe_merging: experts of a trained MoE char-LM merged by routing
policy (M-SMoE) and then compressed to low rank + sparse (MC-SMoE; Li et
al., ICLR 2024), against pruning to the most used experts, plain averaging
and the ablations (random groups, no alignment), at 1/4 and 1/2 of the
expert parameters. Left: exact match against the share of expert
parameters kept, as merged (one shot). Right: the same after a short
fine-tuning with tied experts, beside the full model fine-tuned alike.
headline(): the table and the paper's claims as paired differences over
replicates (one trained model each)."""

import common
import routing_common as rc

EXPERIMENT = "mcsmoe_merging"
ARMS = ("prune", "average", "random", "unaligned", "msmoe", "mcsmoe")
LABELS = {"none": "full model", "prune": "pruning (most used kept)",
          "average": "plain average", "random": "random groups",
          "unaligned": "M-SMoE without alignment", "msmoe": "M-SMoE",
          "mcsmoe": "MC-SMoE (M-SMoE + low rank + sparse)"}
STAGES = {"oneshot": "as merged (one shot)", "tuned": "after fine-tuning"}
LOSS_MARGIN = 0.05  # the largest exact-match loss counted as negligible


def _values(rows):
    """{(arm, budget, stage): {replicate: exact match}} and {(arm, budget):
    mean memory}; budget = (E, g), g = 0 for the full model."""
    match, memory = {}, {}
    for r in common.final_rows(rows, "steps"):
        parts = r["metric"].split(".")
        if parts[0] == "exact_match":
            g = int(parts[2][1:]) if len(parts) == 4 else 0
            match.setdefault((parts[1], (r["E"], g), parts[-1]), {})[r["replicate"]] = r["value"]
        elif parts[0] == "memory":
            memory.setdefault((parts[1], (r["E"], int(parts[2][1:]))), []).append(r["value"])
    return match, {k: sum(v) / len(v) for k, v in memory.items()}


def _budgets(memory):
    return sorted({b for (_, b) in memory})


def _models(memory):
    return sorted({b[0] for b in _budgets(memory)})


def _where(memory, arm, budget):
    text = "%.0f%% of experts" % (100 * memory.get((arm, budget), 0))
    return text if len(_models(memory)) == 1 else "E = %d, %s" % (budget[0], text)


def plot(rows, figures_dir):
    plt = common.use_style()
    palette = common.Palette()
    match, memory = _values(rows)
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.4), sharey=True)
    styles = dict(zip(_models(memory), ("o-", "s--", "^:", "d-.")))
    for ax, stage in zip(axes, STAGES):
        for E in _models(memory):
            suffix = "" if len(styles) == 1 else ", E = %d" % E
            for arm in ARMS:
                bs = [b for b in _budgets(memory) if b[0] == E and (arm, b, stage) in match]
                if not bs:
                    continue
                stats = [common.mean_ci(list(match[(arm, b, stage)].values())) for b in bs]
                ax.errorbar([memory[(arm, b)] for b in bs], [s[0] for s in stats],
                            yerr=[[s[0] - s[1] for s in stats], [s[2] - s[0] for s in stats]],
                            fmt=styles[E], capsize=3, color=palette(arm),
                            label=LABELS[arm] + suffix)
            if ("none", (E, 0), stage) in match:
                mean, low, high = common.mean_ci(list(match[("none", (E, 0), stage)].values()))
                ax.errorbar([1.0], [mean], yerr=[[mean - low], [high - mean]], fmt="s",
                            color="0.3", capsize=3, label=LABELS["none"] + suffix)
        ax.set_xlabel("share of expert parameters kept")
        ax.set_title(STAGES[stage])
    axes[0].set_ylabel("exact match (mean, 95% CI)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _claims(match, memory):
    def diff(a, b):
        return rc.paired(match.get(a, {}), match.get(b, {}))

    out = []
    for g in _budgets(memory):
        where = _where(memory, "msmoe", g)
        for other, claim in (("prune", "M-SMoE keeps more quality than pruning to the same "
                                       "memory (paper: above task-specific pruning)"),
                             ("average", "M-SMoE keeps more quality than plain averaging "
                                         "(paper: frequency-weighted merging above averaging)")):
            d = diff(("msmoe", g, "tuned"), (other, g, "tuned"))
            if d:
                out.append([claim, where + ", fine-tuned", "Δ exact match %s"
                            % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                            common.sign_verdict(d["low"], d["high"], 1)])
        for other, claim in (("random", "grouping around dominant experts beats random groups"),
                             ("unaligned", "aligning hidden units before merging helps")):
            d = diff(("msmoe", g, "oneshot"), (other, g, "oneshot"))
            if d:
                out.append([claim, where + ", one shot", "Δ exact match %s"
                            % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                            common.sign_verdict(d["low"], d["high"], 1)])
        d = diff(("msmoe", g, "tuned"), ("none", (g[0], 0), "tuned"))
        if d:
            out.append(["merging loses negligible quality (within %.2f; paper: up to 80%% less "
                        "memory with negligible loss)" % LOSS_MARGIN, where + ", fine-tuned",
                        "Δ exact match vs full model %s"
                        % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                        rc.within_loss_margin(d, LOSS_MARGIN)])
        d = diff(("mcsmoe", g, "tuned"), ("msmoe", g, "tuned"))
        if d:
            out.append(["low rank + sparse compression of the merged experts loses negligible "
                        "quality (within %.2f)" % LOSS_MARGIN,
                        "%s → %.0f%%, fine-tuned"
                        % (_where(memory, "msmoe", g), 100 * memory.get(("mcsmoe", g), 0)),
                        "Δ exact match vs M-SMoE %s"
                        % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                        rc.within_loss_margin(d, LOSS_MARGIN)])
    return out


def headline(rows):
    match, memory = _values(rows)
    body = []
    for arm in ("none",) + ARMS:
        for g in ([(E, 0) for E in _models(memory)] if arm == "none" else _budgets(memory)):
            label = LABELS[arm] + ("" if len(_models(memory)) == 1 else ", E = %d" % g[0])
            cells = [label, "%.2f" % (memory.get((arm, g), 1.0))]
            for stage in STAGES:
                v = match.get((arm, g, stage), {})
                cells.append(common.fmt_ci(*common.mean_ci(list(v.values())), 3) if v else "—")
            body.append(cells)
    return ("## mcsmoe_merging: merging experts by routing policy, then compressing\n\n"
            "%s. One model per replicate trains with top-2 renormalised routing on generated "
            "algorithmic problems; routing on 256 training windows gives each block's top-1 "
            "usage frequencies and router-logit similarities, and a global budget of E/4 or "
            "E/2 groups per block on average. M-SMoE groups experts around the most used "
            "ones, aligns hidden units by weight matching and averages with the frequencies; "
            "MC-SMoE then keeps a rank-d/4 part plus the largest 10%% of the residual. "
            "Fine-tuning: steps/10 AdamW steps at lr/4 on the same windows for every arm and "
            "for the full model, merged experts kept tied. Exact match of whole held-out "
            "answers. Claims as paired differences over replicates (*agrees* when the 95%% CI "
            "lies on the claimed side, *DISAGREES* when on the other, else *inconclusive*):\n\n"
            % rc.grid_text(rows)
            + common.markdown_table(["arm", "expert params kept", "exact match, one shot",
                                     "exact match, fine-tuned"], body, "lrrr")
            + "\n\n"
            + common.markdown_table(["claim", "where", "measured", "verdict"],
                                    _claims(match, memory), "llll"))
