"""trees_regret: cumulative regret against the region oracle over rounds
(the oracle's cumulative reward minus the learner's, paired per run: every
learner of a run meets the same rounds), mean with 95% CI over runs pooled
over data sets, N and seeds. Context-blind learners grow linearly; a tree
flattens once its leaves refine the regions.

headline() tabulates the regret at T/2 and T and the second half's growth
over the first's (about 1 for linear regret, below 1 when it flattens).
"""

import common
import trees_common as tc

EXPERIMENT = "trees_regret"


def _regret(rows):
    """{(learner, *panels): {step: [regret per run]}}."""
    panels = tc.panel_keys(rows, {"learner"})
    out = {}
    steps = sorted({r["step"] for r in rows if r["metric"] == "reward"})
    for step in steps:
        reward = tc.runs(rows, "reward", ("learner",) + panels, step=step)
        for key, per_run in reward.items():
            oracle = reward.get(("oracle",) + key[1:])
            if not oracle or key[0] == "oracle":
                continue
            regret = [oracle[run] - v for run, v in per_run.items() if run in oracle]
            out.setdefault(key, {})[step] = regret
    return panels, out


def plot(rows, figures_dir):
    plt = common.use_style()
    panels, regret = _regret(rows)
    groups = sorted({k[1:] for k in regret}, key=lambda t: tuple(common.sort_key(v) for v in t))
    fig, axes = plt.subplots(1, max(len(groups), 1), figsize=(5.6 * max(len(groups), 1), 4.2),
                             squeeze=False)
    for ax, group in zip(axes[0], groups):
        for learner in tc.order_learners({k[0] for k in regret if k[1:] == group}):
            curve = regret[(learner,) + group]
            xs = sorted(curve)
            stats = [common.mean_ci(curve[x]) for x in xs]
            ax.plot(xs, [s[0] for s in stats], "-", color=tc.color(learner),
                    label=tc.label(learner))
            common.band(ax, xs, [s[1] for s in stats], [s[2] for s in stats], tc.color(learner))
        ax.axhline(0, color="0.5", lw=0.8)
        ax.set_xlabel("round t")
        ax.set_ylabel("cumulative regret vs the region oracle (mean, 95% CI)")
        r_values = common.unique(rows, "R")
        g_values = common.unique(rows, "g")
        ax.set_title("R = %s, g = %s%s" % (",".join(map(str, r_values)), ",".join(map(str, g_values)),
                                           (", " + common.describe_keys(panels, group)) if panels else ""))
        ax.legend(fontsize=8, loc="upper left")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    panels, regret = _regret(rows)
    out = ["## trees_regret: cumulative regret vs the region oracle\n\n",
           "Oracle's cumulative reward minus the learner's on the same rounds (mean [95%% CI] "
           "over runs: %s; R = %s, g = %s). Growth = regret(T) − regret(T/2) over "
           "regret(T/2): about 1 when regret is linear, below 1 when it flattens (%s).\n\n"
           % (tc.pooled_text(rows), ", ".join(map(str, common.unique(rows, "R"))),
              ", ".join(map(str, common.unique(rows, "g"))), tc.PAPER)]
    body = []
    for key in sorted(regret, key=lambda k: (tuple(common.sort_key(v) for v in k[1:]),
                                             tc.order_learners(list({k[0] for k in regret})).index(k[0]))):
        curve = regret[key]
        last = max(curve)
        half = min(curve, key=lambda s: abs(s - last / 2))
        growth = [(b - a) / a for a, b in zip(curve[half], curve[last]) if a > 0]
        body.append([tc.label(key[0]) + ((" (" + common.describe_keys(panels, key[1:]) + ")")
                                          if panels else ""),
                     tc.fmt_ci(*common.mean_ci(curve[half]), digits=1),
                     tc.fmt_ci(*common.mean_ci(curve[last]), digits=1),
                     common.fmt(common.mean_ci(growth)[0]) if growth else "–"])
    out.append(common.markdown_table(["learner", "regret at T/2", "regret at T", "growth"],
                                     body, "lrrr"))
    return "".join(out)
