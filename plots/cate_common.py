"""Helpers shared by the treatment-effect figures (fig_cate_expertise_gain.py
and the other cate studies): learner labels and colours, one record per
(cell, replicate) with all its metrics, the sweep a setting belongs to, and
the paper's Table 1.

Every cate experiment records its rows at step 0, one value per metric per
(cell, replicate) (experiments/cate_cell.h).
"""

import math

import common

PAPER = ("Hüyük, Wei, Curth & van der Schaar, \"Defining Expertise: Applications to "
         "Treatment Effect Estimation\", ICLR 2024")

BASELINE = "tarnet"
ORDER = ["tarnet", "ipw_tarnet", "cfrnet", "action_predictive", "pipeline",
         "s_learner", "t_learner", "x_learner", "dr_learner",
         "s_learner_mlp", "t_learner_mlp", "x_learner_mlp", "dr_learner_mlp"]
LABELS = {"tarnet": "Baseline (TARNet)", "ipw_tarnet": "Propensity (IPW-TARNet)",
          "cfrnet": "Balancing (CFRNet)", "action_predictive": "Action-predictive",
          "pipeline": "Expertise-informed pipeline", "s_learner": "S-learner (ridge)",
          "t_learner": "T-learner (ridge)", "x_learner": "X-learner (ridge)",
          "dr_learner": "DR-learner (ridge)", "s_learner_mlp": "S-learner (MLP)",
          "t_learner_mlp": "T-learner (MLP)", "x_learner_mlp": "X-learner (MLP)",
          "dr_learner_mlp": "DR-learner (MLP)"}
COLORS = {"tarnet": "#7F7F7F", "ipw_tarnet": "#E69F00", "cfrnet": "#009E73",
          "action_predictive": "#0072B2", "pipeline": "#D55E00", "s_learner": "#CC79A7",
          "t_learner": "#56B4E9", "x_learner": "#000000", "dr_learner": "#F0E442",
          "s_learner_mlp": "#882255", "t_learner_mlp": "#332288", "x_learner_mlp": "#44AA99",
          "dr_learner_mlp": "#999933"}

# Table 1 of the paper (linear TCGA, mean PEHE over 40 / 20 / 20 settings,
# scored against the policy-shifted tau when d > 0), recomputed from the
# authors' released figure data.
PAPER_TABLE1 = {"action_predictive": (1.123, 0.751, 1.495), "tarnet": (1.134, 0.785, 1.483),
                "ipw_tarnet": (1.150, 0.788, 1.511), "cfrnet": (1.190, 0.940, 1.439),
                "pipeline": (1.095, 0.751, 1.439)}

# The d of the prognostic beta-sweep (the paper's figures and Table 1).
PROGNOSTIC_SWEEP_D = 5

_PALETTE = common.Palette(COLORS)


def name(spec):
    return common.parse_spec(spec)[0]


def kind(spec):
    """The learner's name, with '_mlp' for a meta-learner on the MLP base."""
    learner, args = common.parse_spec(spec)
    return learner + "_mlp" if args.get("base") == "mlp" else learner


def label(spec):
    return LABELS.get(kind(spec), str(spec))


def color(spec):
    return _PALETTE(kind(spec))


def learner_order(learners):
    return sorted(learners, key=lambda s: (ORDER.index(kind(s)) if kind(s) in ORDER
                                           else len(ORDER), str(s)))


def items(rows, used):
    """[{param..., replicate, metric: value...}] one per (cell, replicate).
    Parameters that vary beyond ``used`` are folded into the learner,
    'learner [k = v]', so such cells become series of their own."""
    params = common.param_columns(rows)
    extra = common.extra_keys(rows, set(used))
    out = {}
    for r in rows:
        key = tuple(r[p] for p in params) + (r["replicate"],)
        item = out.setdefault(key, dict({p: r[p] for p in params}, replicate=r["replicate"]))
        item[r["metric"]] = r["value"]
        if extra:
            item["learner"] = "%s [%s]" % (r["learner"],
                                           common.describe_keys(extra, [r[k] for k in extra]))
    return list(out.values())


def expertise_of(rec):
    """The normalised expertise a setting is plotted against: E_pred for a
    predictive policy, E_prog for a prognostic one."""
    return rec["e_pred"] if rec["policy"] == "predictive" else rec["e_prog"]


def in_beta_sweep(rec):
    return rec["d"] == (0 if rec["policy"] == "predictive" else PROGNOSTIC_SWEEP_D)


def in_d_sweep(rec):
    return rec["beta"] == 4


def setting(rec):
    return (rec["outcome"], rec["policy"], rec["beta"], rec["d"])


def paired_gains(records, metric="pehe"):
    """{(setting, learner): [PEHE(baseline) - PEHE(learner) per replicate]}
    for every learner other than the baseline, paired on the replicate."""
    base = {(setting(r), r["replicate"]): r[metric] for r in records
            if name(r["learner"]) == BASELINE and metric in r}
    out = {}
    for r in records:
        if name(r["learner"]) == BASELINE or metric not in r:
            continue
        b = base.get((setting(r), r["replicate"]))
        if b is not None and math.isfinite(b):
            out.setdefault((setting(r), r["learner"]), []).append(b - r[metric])
    return out


COVARIATE_NOTE = ("synthetic covariates (100 correlated features in [0, 1]; the paper's TCGA "
                  "and News covariates are not available here, so absolute PEHEs differ)")
DATASET_NOTES = {
    "satellite": ("the UCI Statlog (Landsat Satellite) covariates shipped by Debian's "
                  "r-cran-mlbench (36 pixel-intensity columns, counts so log(1 + x), min-max; "
                  "a real covariate matrix in place of the paper's TCGA)"),
    "breast_cancer": ("the Wisconsin breast-cancer covariates shipped by Debian's "
                      "python3-sklearn (30 columns, min-max)")}


def covariate_note(covariates):
    """What a `covariates` value stands for, for report sentences."""
    if covariates == "synthetic":
        return COVARIATE_NOTE
    return DATASET_NOTES.get(covariates, "the covariates of %s" % covariates)
TABLE_NOTE = ("Mean PEHE over settings (each the mean over replicates), each cell: ours "
              "against the true τ / ours against the policy-shifted τ (the authors' released "
              "scoring) / the paper's Table 1 (linear TCGA, released scoring, 40 settings).")


def pipeline_choices(records):
    """Findings rows [claim, measured, ""]: how often the expertise-informed
    pipeline keeps action-predictive, per policy type (one outcome model)."""
    lines = []
    for policy in ("predictive", "prognostic"):
        choices = [r["choice"] for r in records if r["policy"] == policy and "choice" in r]
        if choices:
            lines.append(["%s: the pipeline picks action-predictive on predictive and "
                          "balancing on prognostic settings" % records[0]["outcome"],
                          "picks action-predictive in %.0f%% of %s runs"
                          % (100 * sum(choices) / len(choices), policy), ""])
    return lines


def pehe_table(records, metric):
    """{learner: (all, predictive, prognostic)}: mean over settings of the
    mean over replicates (the paper's averaging)."""
    per_setting = {}
    for r in records:
        if metric in r:
            per_setting.setdefault((r["learner"], setting(r)), []).append(r[metric])
    out = {}
    for learner in {k[0] for k in per_setting}:
        means = {s: sum(v) / len(v) for (l, s), v in per_setting.items() if l == learner}
        parts = [list(means.values()),
                 [m for s, m in means.items() if s[1] == "predictive"],
                 [m for s, m in means.items() if s[1] == "prognostic"]]
        out[learner] = tuple(sum(p) / len(p) if p else math.nan for p in parts)
    return out


def pehe_table_markdown(records):
    """The Table-1-style markdown table: ours (true τ) / ours (released
    scoring) / paper, per learner and policy group."""
    corrected = pehe_table(records, "pehe")
    released = pehe_table(records, "pehe_released")
    body = []
    for learner in learner_order(corrected):
        paper = PAPER_TABLE1.get(name(learner), (math.nan,) * 3)
        cells = zip(corrected[learner], released.get(learner, (math.nan,) * 3), paper)
        body.append([label(learner)] + ["%s / %s / %s" % tuple(common.fmt(v) for v in c)
                                        for c in cells])
    return common.markdown_table(["method", "all", "predictive", "prognostic"], body, "lrrr")
