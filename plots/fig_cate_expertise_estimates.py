"""cate_expertise_estimates: plug-in estimates of normalised expertise from
each learner's fitted outcomes against the value from the true outcomes
(Hüyük et al., ICLR 2024, §5.3), predictive (E_pred) and prognostic
(E_prog) policies.

Figure: one panel per policy type, estimated vs true expertise per learner
(mean over replicates per setting), with the diagonal. headline(): per
learner and policy type, the mean absolute error of the estimate (95%
t-interval over settings × replicates) and, where the policy acts on τ
itself (predictive, d = 0), the plug-in "truth" against the exact
E_pred = 1 − C (theory.e_pred).
"""

import numpy as np

import cate_common as cc
import common

EXPERIMENT = "cate_expertise_estimates"
USED = ("learner", "outcome", "policy", "beta", "d")
FIELDS = {"predictive": ("e_pred", "e_pred_hat", "E_pred / H(A)"),
          "prognostic": ("e_prog", "e_prog_hat", "E_prog / H(A)")}


def _mean_points(records, policy, learner):
    true_key, hat_key, _ = FIELDS[policy]
    by_setting = {}
    for r in records:
        if r["policy"] == policy and r["learner"] == learner:
            by_setting.setdefault(cc.setting(r), []).append((r[true_key], r[hat_key]))
    return sorted(tuple(np.mean(v, axis=0)) for v in by_setting.values())


def plot(rows, figures_dir):
    plt = common.use_style()
    records = cc.items(rows, USED)
    policies = [p for p in FIELDS if any(r["policy"] == p for r in records)]
    fig, axes = plt.subplots(1, len(policies), figsize=(5.4 * len(policies), 4.6), squeeze=False)
    for ax, policy in zip(axes.flat, policies):
        for learner in cc.learner_order({r["learner"] for r in records}):
            pts = np.array(_mean_points(records, policy, learner))
            if pts.size:
                ax.plot(pts[:, 0], pts[:, 1], "o", color=cc.color(learner),
                        label=cc.label(learner))
        ax.plot([0, 1], [0, 1], "--", color="#7F7F7F", lw=0.8, label="estimate = truth")
        ax.set_xlabel("true %s (plug-in on the true outcomes)" % FIELDS[policy][2])
        ax.set_ylabel("estimate from the learner's fitted outcomes")
        ax.set_title("%s policies" % policy, fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle("Plug-in expertise estimates vs truth (synthetic covariates)")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    records = cc.items(rows, USED)
    body = []
    for policy, (true_key, hat_key, _) in FIELDS.items():
        for learner in cc.learner_order({r["learner"] for r in records}):
            errors = [abs(r[hat_key] - r[true_key]) for r in records
                      if r["policy"] == policy and r["learner"] == learner]
            if errors:
                body.append([policy, cc.label(learner),
                             common.fmt_ci(*common.mean_ci(errors), digits=3)])
    exact = [r["e_pred"] - r["theory.e_pred"] for r in records if "theory.e_pred" in r]
    out = ["## cate_expertise_estimates: plug-in expertise vs truth\n\n",
           "%s, §5.3, on %s. Mean |estimate − truth| of normalised expertise "
           "(95%% t-interval over settings × replicates); the paper reports the "
           "action-predictive learner's estimate as the most faithful (linear TCGA, "
           "β = 4, d = 0: truth 0.558, estimate 0.503).\n\n" % (cc.PAPER, cc.COVARIATE_NOTE),
           common.markdown_table(["policy", "learner", "mean |error|"], body, "llr")]
    if exact:
        out.append("\n\nThe plug-in \"truth\" (histogram of the true τ) minus the exact "
                   "E_pred = 1 − C where the policy acts on τ itself: %s (histogram bias).\n"
                   % common.fmt_ci(*common.mean_ci(exact), digits=3))
    return "".join(out)
