"""cate_table: mean PEHE per learner over predictive and prognostic
settings (Hüyük et al., ICLR 2024, Table 1), the TARNet family and the
expertise-informed pipeline beside the S-, T-, X- and DR-learners, which the
paper did not compare.

Figure: one panel per (covariates, outcome, policy), bars of mean PEHE
against the true τ with 95% t-interval whiskers over replicates, one group
per setting. headline(): the Table-1-style table per covariate matrix
(synthetic, and a real one that a Debian package ships) with the paper's
values beside ours.
"""

import numpy as np

import cate_common as cc
import common

EXPERIMENT = "cate_table"
# dim and mask go with the covariate matrix (its width bounds them).
USED = ("learner", "covariates", "dim", "mask", "outcome", "policy", "beta", "d")


def plot(rows, figures_dir):
    plt = common.use_style()
    records = cc.items(rows, USED)
    sources = common.unique(rows, "covariates")
    panels = sorted({(r["outcome"], r["policy"]) for r in records})
    fig, axes = plt.subplots(len(sources), len(panels),
                             figsize=(5.6 * len(panels), 4.2 * len(sources)), squeeze=False)
    for ax, (source, (outcome, policy)) in zip(axes.flat, [(c, p) for c in sources
                                                           for p in panels]):
        chosen = [r for r in records if r["outcome"] == outcome and r["policy"] == policy
                  and r["covariates"] == source]
        settings = sorted({(r["beta"], r["d"]) for r in chosen})
        learners = cc.learner_order({r["learner"] for r in chosen})
        width = 0.8 / len(learners)
        for index, learner in enumerate(learners):
            stats = [common.mean_ci([r["pehe"] for r in chosen if r["learner"] == learner
                                     and (r["beta"], r["d"]) == s]) for s in settings]
            xs = np.arange(len(settings)) + (index - (len(learners) - 1) / 2) * width
            means = np.array([m for m, _, _ in stats])
            errors = np.array([[m - lo for m, lo, _ in stats], [hi - m for m, _, hi in stats]])
            ax.bar(xs, means, width, color=cc.color(learner), label=cc.label(learner),
                   yerr=np.clip(np.nan_to_num(errors), 0, None), capsize=2)
        ax.set_xticks(range(len(settings)))
        ax.set_xticklabels(["β = %g, d = %g" % s for s in settings], fontsize=7)
        ax.set_ylabel("PEHE against the true τ (mean, 95% CI)")
        ax.set_title("%s covariates: %s policy, %s outcomes" % (source, policy, outcome),
                     fontsize=9)
    axes.flat[0].legend(fontsize=6)
    fig.suptitle("PEHE per learner on the same units")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    records = cc.items(rows, USED)
    out = ["## cate_table: mean PEHE per learner\n\n",
           "%s, Table 1, with the S-, T-, X- and DR-learners (ridge and MLP bases) the paper "
           "did not compare, %d settings × %d replicates per covariate matrix. "
           % (cc.PAPER, len({cc.setting(r) for r in records}),
              len(common.unique(rows, "replicate"))),
           cc.TABLE_NOTE, "\n\n"]
    for source in common.unique(rows, "covariates"):
        for outcome in common.unique(rows, "outcome"):
            chosen = [r for r in records if r["outcome"] == outcome and r["covariates"] == source]
            if chosen:
                out += ["**%s outcomes on %s**\n\n" % (outcome, cc.covariate_note(source)),
                        cc.pehe_table_markdown(chosen), "\n\n"]
                choices = cc.pipeline_choices(chosen)
                if choices:
                    out += [common.markdown_table(["claim", "measured", ""], choices, "lll"),
                            "\n\n"]
    return "".join(out)
