"""cate_expertise_gain: PEHE(Baseline) − PEHE(method) against the decision
maker's normalised expertise (E_pred for predictive policies, E_prog for
prognostic ones), along the β-sweep and the d-sweep (β = 4) of each policy
type, after Fig. 4 and Table 1 of Hüyük et al., ICLR 2024.

Figure: one row per outcome model, four panels (predictive β, predictive d,
prognostic β at d = 5, prognostic d), one line per method with its paired
95% t-interval over replicates. headline(): the Table-1-style mean PEHE per
method (against the true τ, and against the policy-shifted τ as the
authors' released code scores), the paper's Table 1 beside it, and the
paper's directional findings as measured.
"""

import numpy as np

import cate_common as cc
import common

EXPERIMENT = "cate_expertise_gain"
PANELS = [("predictive", cc.in_beta_sweep, "predictive, β-sweep (d = 0)"),
          ("predictive", cc.in_d_sweep, "predictive, d-sweep (β = 4)"),
          ("prognostic", cc.in_beta_sweep, "prognostic, β-sweep (d = 5)"),
          ("prognostic", cc.in_d_sweep, "prognostic, d-sweep (β = 4)")]
USED = ("learner", "outcome", "policy", "beta", "d")


def _records(rows):
    return cc.items(rows, USED)


def _panel_points(records, policy, member, outcome):
    """{learner: [(mean expertise, gain mean, low, high)]} sorted by expertise."""
    chosen = [r for r in records if r["policy"] == policy and r["outcome"] == outcome
              and member(r)]
    expertise = {}
    for r in chosen:
        if cc.name(r["learner"]) == cc.BASELINE:
            expertise.setdefault(cc.setting(r), []).append(cc.expertise_of(r))
    out = {}
    for (s, learner), gains in cc.paired_gains(chosen).items():
        x = float(np.mean(expertise[s]))
        out.setdefault(learner, []).append((x,) + common.mean_ci(gains))
    return {k: sorted(v) for k, v in out.items()}


def plot(rows, figures_dir):
    plt = common.use_style()
    records = _records(rows)
    outcomes = common.unique(rows, "outcome")
    fig, axes = plt.subplots(len(outcomes), 4, figsize=(16, 3.8 * len(outcomes)), squeeze=False)
    for row, outcome in enumerate(outcomes):
        for col, (policy, member, title) in enumerate(PANELS):
            ax = axes[row][col]
            points = _panel_points(records, policy, member, outcome)
            for learner in cc.learner_order(points):
                pts = np.array(points[learner])
                ax.plot(pts[:, 0], pts[:, 1], "o-", color=cc.color(learner),
                        label=cc.label(learner))
                common.band(ax, pts[:, 0], pts[:, 2], pts[:, 3], cc.color(learner))
            ax.axhline(0, color="#7F7F7F", lw=0.8, ls="--")
            ax.set_title("%s (%s outcomes)" % (title, outcome), fontsize=9)
            ax.set_xlabel("true normalised expertise %s" %
                          ("E_pred / H(A)" if policy == "predictive" else "E_prog / H(A)"))
            if col == 0:
                ax.set_ylabel("PEHE(Baseline) − PEHE(method)")
            if row == 0 and col == 0:
                ax.legend(fontsize=7)
    fig.suptitle("Gain over the TARNet baseline vs the decision maker's expertise "
                 "(synthetic covariates; paired over replicates, 95% CI)")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _findings(records):
    """The directional claims, measured: (claim, measured text)."""
    gains = cc.paired_gains(records)
    lines = []
    for outcome in sorted({r["outcome"] for r in records}):
        pred_beta = [r for r in records if r["outcome"] == outcome
                     and r["policy"] == "predictive" and cc.in_beta_sweep(r)]
        ap = _panel_points(pred_beta, "predictive", cc.in_beta_sweep, outcome)
        for learner, pts in ap.items():
            if cc.name(learner) != "action_predictive" or len(pts) < 2:
                continue
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
            slope = float(np.polyfit(xs, ys, 1)[0])
            lines.append(["%s: action-predictive's gain grows with predictive expertise "
                          "(β-sweep)" % outcome,
                          "gain %+.3f at E_pred = %.2f → %+.3f at E_pred = %.2f (OLS slope %+.3f)"
                          % (ys[0], xs[0], ys[-1], xs[-1], slope),
                          "agrees" if slope > 0 else "DISAGREES"])
        for policy, claim, sign in (("prognostic", "balancing helps under prognostic expertise", 1),
                                    ("predictive", "balancing hurts under predictive expertise",
                                     -1)):
            pooled = [g for (s, l), gs in gains.items() if s[0] == outcome and s[1] == policy
                      and cc.name(l) == "cfrnet" for g in gs]
            if not pooled:
                continue
            mean, low, high = common.mean_ci(pooled)
            verdict = common.sign_verdict(low, high, sign)
            lines.append(["%s: %s" % (outcome, claim),
                          "mean gain over %s settings %s" % (policy,
                                                              common.fmt_ci(mean, low, high, 3)),
                          verdict])
        lines += cc.pipeline_choices([r for r in records if r["outcome"] == outcome])
    return lines


def headline(rows):
    records = _records(rows)
    n_settings = len({cc.setting(r) for r in records})
    reps = len(common.unique(rows, "replicate"))
    out = ["## cate_expertise_gain: PEHE gain over the TARNet baseline vs expertise\n\n",
           "%s, Fig. 4 and Table 1, on %s, %d settings × %d replicates, n = %s. "
           % (cc.PAPER, cc.COVARIATE_NOTE, n_settings, reps,
              ", ".join(str(v) for v in common.unique(rows, "n"))),
           cc.TABLE_NOTE, "\n\n", cc.pehe_table_markdown(records),
           "\n\nDirectional findings of the paper, as measured (paired over replicates, 95% "
           "t-intervals):\n\n",
           common.markdown_table(["claim", "measured", "verdict"], _findings(records), "lll"),
           "\n"]
    return "".join(out)
