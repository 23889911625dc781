"""hedge_regret: final regret vs horizon T, log-log, beside sqrt(T ln n / 2).

One panel per loss instance; one line per (learner, n) with the mean final
regret over replicates and its bootstrap 95% band; the Hedge bound
sqrt(T ln n / 2) (Cesa-Bianchi & Lugosi 2006, Thm 2.2), taken from the
experiment's own `bound` rows, in grey. headline() fits the slope of
log(mean final regret) against log T for each (learner, instance, n) and puts
it beside the slope theory predicts.
"""

import math

import common

EXPERIMENT = "hedge_regret"

# A measured slope "agrees" when its point estimate is within this distance
# of the predicted one. On the quick grid (T = 2^8..2^16, 8 replicates) the
# noise of the mean final regret alone moves fitted slopes by about this much
# (see the CIs), and pre-asymptotic curvature (e.g. Hedge with fixed η at
# n = 128 still bending towards slope 1/2) by a little less.
SLOPE_TOLERANCE = 0.1

NO_SLOPE = "n/a (fewer than 2 horizons to fit)"

LEARNER_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                  "#56B4E9", "#000000"]
N_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


# ---------------------------------------------------------------- specs

def learner_kind(spec):
    """'hedge_fixed' (eta tuned to T), 'hedge_anytime', 'hedge_other', 'ftl'."""
    name, args = common.parse_spec(spec)
    if name == "hedge":
        if args.get("schedule", "fixed") == "anytime":
            return "hedge_anytime"
        return "hedge_fixed" if args.get("eta", "auto") == "auto" else "hedge_other"
    return name


def instance_kind(spec):
    return common.parse_spec(spec)[0]


def learner_label(spec):
    kind = learner_kind(spec)
    labels = {"hedge_fixed": "Hedge, fixed η = √(8 ln n/T)",
              "hedge_anytime": "Hedge, anytime η_t = √(8 ln n/t)",
              "ftl": "FTL"}
    return labels.get(kind, str(spec))


def instance_label(spec):
    name, args = common.parse_spec(spec)
    if name == "planted_bernoulli":
        return "planted Bernoulli, δ = %s" % args.get("delta", "0.1")
    if name == "ftl_trap":
        return "FTL trap (alternating losses)"
    return str(spec)


class Prediction:
    """A slope theory predicts for log R_T against log T.

    rule '=' means within ±SLOPE_TOLERANCE; '<=' means at most target +
    SLOPE_TOLERANCE. min_horizon(n), when set, is where the predicted regime
    starts: only horizons T >= min_horizon(n) enter the fit.
    """

    def __init__(self, target, rule, why, min_horizon=None, regime=""):
        self.target, self.rule, self.why = target, rule, why
        self.min_horizon, self.regime = min_horizon, regime

    def text(self):
        return ("%.1f" % self.target) if self.rule == "=" else ("≤ %.1f" % self.target)

    def accepts(self, slope):
        low = self.target - SLOPE_TOLERANCE if self.rule == "=" else -math.inf
        return low <= slope <= self.target + SLOPE_TOLERANCE

    def band(self):
        low = self.target - SLOPE_TOLERANCE if self.rule == "=" else -math.inf
        return low, self.target + SLOPE_TOLERANCE


# A gap-dependent regret O(ln n / δ) is constant only once the planted expert
# has been singled out: its lead δt must beat the others' fluctuations,
# √(t ln n), i.e. t ≳ ln n / δ². Horizons below GAP_REGIME_FACTOR times that
# are pre-asymptotic (regret still grows there) and are left out of the fit.
GAP_REGIME_FACTOR = 4.0


def expected_slope(learner, instance):
    """The Prediction theory makes for (learner, instance), or None."""
    lk = learner_kind(learner)
    ik, args = common.parse_spec(instance)
    if ik == "planted_bernoulli":
        delta = float(args.get("delta", 0.1))
        def gap_regime(n, delta=delta):
            return GAP_REGIME_FACTOR * math.log(n) / delta ** 2
        regime = "T ≥ %g ln n/δ²" % GAP_REGIME_FACTOR
        if lk == "hedge_fixed":
            return Prediction(0.5, "=", "η tuned to T only singles out the "
                              "planted expert after ~√T days")
        if lk == "hedge_anytime":
            return Prediction(0.0, "=", "decreasing η: gap-dependent O(ln n/δ) "
                              "regret (Mourtada & Gaïffas, JMLR 2019), once "
                              + regime, gap_regime, regime)
        if lk == "ftl":
            return Prediction(0.0, "=", "i.i.d. losses with a gap: the leader "
                              "settles on the planted expert, O(ln n/δ) regret, "
                              "once " + regime, gap_regime, regime)
    if ik == "ftl_trap":
        if lk == "ftl":
            return Prediction(1.0, "=", "the leader loses every day: regret ≈ T/2")
        # Not O(1): the two leaders' cumulative losses stay within 1/2 of each
        # other, so Hedge puts weight ≈ 1/2 + η_t/8 on the expert about to
        # lose and pays ≈ Σ_t η_t/8 over the best expert: √(T ln n/8) for the
        # tuned fixed η (half the bound), √(T ln n/2) for the anytime one.
        if lk == "hedge_fixed":
            return Prediction(0.5, "=", "the bound √(T ln n/2) (Thm 2.2) caps "
                              "it at 0.5 and this sequence attains the rate: "
                              "regret ≈ Σ η_t/8 = √(T ln n/8)")
        if lk == "hedge_anytime":
            return Prediction(0.5, "=", "the bound 2√(T ln n/2) + √(ln n/8) "
                              "(Thm 2.3) caps it at 0.5 and this sequence "
                              "attains the rate: regret ≈ Σ η_t/8 ≈ √(T ln n/2)")
    return None


# ---------------------------------------------------------------- data

def final_by_cell(rows, metric):
    """{(learner, instance, n): summary over T} of a metric at step == T."""
    finals = common.final_rows(common.select(rows, metric=metric))
    return common.summarize(finals, by=("learner", "instance", "n"), x="T")


def _sorted_learners(rows):
    order = {"hedge_fixed": 0, "hedge_anytime": 1, "ftl": 2}
    return sorted(common.unique(rows, "learner"),
                  key=lambda s: (order.get(learner_kind(s), 9), str(s)))


def _sorted_instances(rows):
    # Planted instances first (larger gap first), then the adversarial one.
    def key(spec):
        name, args = common.parse_spec(spec)
        order = {"planted_bernoulli": 0, "ftl_trap": 1}.get(name, 9)
        delta = common.parse_scalar(args.get("delta", "0"))
        return (order, -delta if isinstance(delta, float) else 0, str(spec))
    return sorted(common.unique(rows, "instance"), key=key)


# ---------------------------------------------------------------- figure

def plot(rows, figures_dir):
    plt = common.use_style()
    from matplotlib.lines import Line2D

    regret = final_by_cell(rows, "regret")
    bound = final_by_cell(rows, "bound")
    instances = _sorted_instances(rows)
    learners = _sorted_learners(rows)
    ns = common.unique(rows, "n")
    color = {l: LEARNER_COLORS[i % len(LEARNER_COLORS)] for i, l in enumerate(learners)}
    marker = {n: N_MARKERS[i % len(N_MARKERS)] for i, n in enumerate(ns)}

    cols = min(len(instances), 3)
    nrows = int(math.ceil(len(instances) / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(4.6 * cols, 3.9 * nrows),
                             squeeze=False, sharey=True)
    for ax, instance in zip(axes.flat, instances):
        common.setup_loglog(ax, xlabel="horizon T")
        # Theory: the bound depends on (n, T) only; draw it once per n.
        for n in ns:
            curve = next((s for (l, i, nn), s in bound.items()
                          if i == instance and nn == n), None)
            if curve is None:
                continue
            ax.plot(curve["x"], curve["mean"], color="0.45", linestyle="--",
                    linewidth=1.0, zorder=1)
            ax.annotate("n=%d" % n, (curve["x"][-1], curve["mean"][-1]),
                        xytext=(3, 0), textcoords="offset points",
                        fontsize=7, color="0.35", va="center")
        for learner in learners:
            for n in ns:
                s = regret.get((learner, instance, n))
                if s is None:
                    continue
                c = color[learner]
                common.band(ax, s["x"], s["low"], s["high"], c)
                ax.plot(s["x"], s["mean"], color=c, marker=marker[n],
                        markersize=4, linewidth=1.3, zorder=3)
        ax.set_title(instance_label(instance))
        ax.margins(x=0.08)
    for ax in axes[:, 0]:
        ax.set_ylabel("final regret $R_T$ (mean, 95% CI)")
    for ax in list(axes.flat)[len(instances):]:
        ax.set_visible(False)

    # Two legend columns: learners (colour) | n (marker) and the bound.
    left = [Line2D([], [], color=color[l], linewidth=2, label=learner_label(l))
            for l in learners]
    right = [Line2D([], [], color="0.3", marker=marker[n], linestyle="none",
                    label="n = %d" % n) for n in ns]
    right.append(Line2D([], [], color="0.45", linestyle="--", linewidth=1.0,
                        label="bound √(T ln n / 2)"))
    height = max(len(left), len(right))
    blank = lambda: Line2D([], [], linestyle="none", label=" ")
    handles = (left + [blank() for _ in range(height - len(left))]
               + right + [blank() for _ in range(height - len(right))])
    # Below the panels; the tight bounding box on save keeps it in the image
    # (matplotlib 3.6 has no "outside" legend placement).
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
               ncol=2, columnspacing=3.0)
    reps = len(common.unique(rows, "replicate"))
    fig.suptitle("Regret vs horizon: Hedge and FTL (%d replicates per point)" % reps)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


# ---------------------------------------------------------------- report

def fit_slope(summary, prediction, n, metric_summary=None):
    """OLS slope of log(mean) on log T over the horizons the prediction covers.

    Returns (fit, used): the fit dict from common.loglog_slope and the T values
    in range (those with mean <= 0 are further dropped by the fit).
    """
    s = metric_summary if metric_summary is not None else summary
    keep = [True] * len(s["x"])
    if prediction is not None and prediction.min_horizon is not None:
        floor = prediction.min_horizon(n)
        keep = [t >= floor for t in s["x"]]
    xs = [x for x, k in zip(s["x"], keep) if k]
    ys = [y for y, k in zip(s["mean"], keep) if k]
    return common.loglog_slope(xs, ys), xs


def _verdict(fit, prediction):
    """'agrees': the estimate lies in the tolerance band around the prediction;
    'noisy': it does not, but its 95% CI reaches the band; 'DISAGREES': the
    whole CI lies outside the band; 'unclear': outside, from a 2-point fit,
    which has no CI."""
    if prediction is None:
        return "no prediction"
    slope = fit["slope"]
    if not math.isfinite(slope):
        return NO_SLOPE
    if prediction.accepts(slope):
        return "agrees"
    if not (math.isfinite(fit["low"]) and math.isfinite(fit["high"])):
        return "unclear (2 horizons: no CI)"
    low, high = fit["low"], fit["high"]
    band_low, band_high = prediction.band()
    if high >= band_low and low <= band_high:
        return "noisy (CI reaches the band)"
    return "**DISAGREES**"


def _horizons_text(used, all_ts):
    if len(used) == len(all_ts):
        return "all"
    if not used:
        return "none"
    return "T ≥ %d (%d)" % (min(used), len(used))


def headline(rows):
    regret = final_by_cell(rows, "regret")
    pseudo = final_by_cell(rows, "pseudo_regret")
    bound = final_by_cell(rows, "bound")
    learners = _sorted_learners(rows)
    instances = _sorted_instances(rows)
    ns = common.unique(rows, "n")
    ts = common.unique(rows, "T")
    reps = len(common.unique(rows, "replicate"))

    out = ["## hedge_regret: regret vs T (Hedge, FTL)\n\n",
           "Final regret $R_T$ (realised, with sampled actions) against the "
           "horizon T ∈ {%s}, n ∈ {%s}, %d replicates per cell. Slopes are OLS "
           "fits of log(mean $R_T$) on log T with a Student-t 95%% CI, over the "
           "horizons where the predicted regime holds (column \"T fitted\"). "
           "Tolerance ±%.1f: a slope *agrees* when its estimate is within "
           "±%.1f of the prediction, is *noisy* when it is not but its CI "
           "reaches that band, and *DISAGREES* when the whole CI lies outside "
           "it (*unclear*: outside, from only two horizons, so no CI). Theory "
           "curve: √(T ln n/2) (Cesa-Bianchi & Lugosi 2006, Thm 2.2).\n\n"
           % (", ".join(str(t) for t in ts), ", ".join(str(n) for n in ns),
              reps, SLOPE_TOLERANCE, SLOPE_TOLERANCE)]

    body, flagged, missing, reasons = [], [], [], {}
    t_max = max(ts)
    for learner in learners:
        for instance in instances:
            for n in ns:
                key = (learner, instance, n)
                if key not in regret:
                    continue
                s = regret[key]
                prediction = expected_slope(learner, instance)
                fit, used = fit_slope(s, prediction, n)
                pfit, _ = fit_slope(s, prediction, n, pseudo[key])
                verdict = _verdict(fit, prediction)
                label = (learner_label(learner), instance_label(instance), n)
                if prediction is not None:
                    reasons.setdefault(
                        (learner_kind(learner), instance_kind(instance)),
                        (learner_label(learner), instance_kind(instance),
                         prediction))
                    if verdict == NO_SLOPE:
                        missing.append(label)
                    elif verdict != "agrees":
                        flagged.append(label + (fit, prediction, verdict))
                last = list(s["x"]).index(t_max) if t_max in s["x"] else -1
                body.append(list(label) + [
                    common.fmt_ci(s["mean"][last], s["low"][last], s["high"][last], 1),
                    common.fmt(bound[key]["mean"][last]),
                    _horizons_text(used, s["x"]),
                    common.fmt_ci(fit["slope"], fit["low"], fit["high"]),
                    common.fmt_ci(pfit["slope"], pfit["low"], pfit["high"]),
                    prediction.text() if prediction else "—", verdict])
    out.append(common.markdown_table(
        ["learner", "instance", "n", "mean $R_T$ at T=%d [95%% CI]" % t_max,
         "bound at T=%d" % t_max, "T fitted", "slope of $R_T$ [95% CI]",
         "slope of pseudo-regret", "expected", "verdict"],
        body, align="llrrrlrrrl"))

    if reasons:
        out.append("\nWhy these slopes:\n\n")
        for label, ik, prediction in reasons.values():
            out.append("- %s on %s: %s — %s.\n"
                       % (label, ik, prediction.text(), prediction.why))

    if flagged:
        out.append("\nWhere the measured slope of $R_T$ is not within ±%.1f of "
                   "theory:\n\n" % SLOPE_TOLERANCE)
        for learner, instance, n, fit, prediction, verdict in flagged:
            out.append("- %s on %s, n = %d: measured %s, expected %s: %s.\n"
                       % (learner, instance, n,
                          common.fmt_ci(fit["slope"], fit["low"], fit["high"]),
                          prediction.text(), verdict))
    elif len(ts) < 2:
        out.append("\nOnly one horizon T in these results: no slopes.\n")
    else:
        out.append("\nEvery slope that could be fitted agrees with theory "
                   "within ±%.1f.\n" % SLOPE_TOLERANCE)
    if missing and len(ts) >= 2:
        out.append("\nNo slope (fewer than 2 horizons in the predicted regime, "
                   "larger T needed): %s.\n"
                   % "; ".join("%s on %s, n = %d" % m for m in missing))

    out.append(_bound_check(rows))
    out.append(_memory_line(rows))
    return "".join(out)


def _bound_check(rows):
    """Max over (cell, replicate) of R_T / sqrt(T ln n/2) for Hedge fixed."""
    fixed = [l for l in common.unique(rows, "learner")
             if learner_kind(l) == "hedge_fixed"]
    if not fixed:
        return ""
    finals = common.final_rows(common.select(
        rows, learner=fixed, metric=("regret", "pseudo_regret", "bound")))
    per_item = {}
    for r in finals:
        key = (r["learner"], r["instance"], r["n"], r["T"], r["replicate"])
        per_item.setdefault(key, {})[r["metric"]] = r["value"]
    worst = {"pseudo_regret": (-math.inf, None), "regret": (-math.inf, None)}
    for key, m in per_item.items():
        if not m.get("bound"):
            continue
        for metric in worst:
            if metric in m and m[metric] / m["bound"] > worst[metric][0]:
                worst[metric] = (m[metric] / m["bound"], key)
    ratio, where = worst["pseudo_regret"]
    if where is None:
        return ""
    verdict = ("the bound holds" if ratio <= 1.0
               else "**VIOLATED**: pseudo-regret above the bound")
    text = ("\nBound check, Hedge with fixed η = √(8 ln n/T), at t = T over "
            "every cell and replicate (%d items): max pseudo-regret / "
            "√(T ln n/2) = %.3f (%s, at %s, n = %d, T = %d); max realised "
            "regret / bound = %.3f (sampling noise may push this one above 1)."
            "\n" % (len(per_item), ratio, verdict, instance_label(where[1]),
                    where[2], where[3], worst["regret"][0]))
    return text


def _memory_line(rows):
    finals = common.final_rows(common.select(rows, metric="memory_words"))
    if not finals:
        return ""
    parts = []
    for learner, group in common.group_by(finals, "learner").items():
        ratio = max(r["value"] / r["n"] for r in group)
        parts.append("%s %s" % (learner_label(learner), common.fmt(ratio)))
    return ("\nPeak memory (words / n), max over cells: " + "; ".join(parts)
            + ".\n")
