"""hedge_regret: final regret vs horizon T, log-log, beside sqrt(T ln n / 2).

One panel per loss instance (and values of any other parameter that varies
in the CSV); one line per (learner, n) with the mean final
regret over replicates and its 95% band; the Hedge bound
sqrt(T ln n / 2) (Cesa-Bianchi & Lugosi 2006, Thm 2.2), taken from the
experiment's own `bound` rows, in grey. headline() fits the slope of
log(mean final regret) against log T for each (learner, instance, n) and puts
it beside the slope theory predicts (the experiment's theory.slope rows,
fitted over the horizons its theory.fit rows mark), judged by common.verdict.
"""

import math

import common

EXPERIMENT = "hedge_regret"
KEYS = ("learner", "instance", "n")

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


def learner_label(spec):
    """The figure's own label for the learners it was designed around, the
    spec text for any other (common.label)."""
    kind = learner_kind(spec)
    labels = {"hedge_fixed": "Hedge, fixed η = √(8 ln n/T)",
              "hedge_anytime": "Hedge, anytime η_t = √(8 ln n/t)",
              "ftl": "FTL"}
    return labels.get(kind) or common.label(spec)


def instance_label(spec):
    name, args = common.parse_spec(spec)
    if name == "planted_bernoulli":
        return "planted Bernoulli, δ = %s" % args.get("delta", "0.1")
    if name == "ftl_trap":
        return "FTL trap (alternating losses)"
    return str(spec)


# ---------------------------------------------------------------- data

def all_keys(rows):
    """KEYS and every other parameter column that varies (but T)."""
    return KEYS + tuple(common.extra_keys(rows, set(KEYS) | {"T"}))


def final_by_cell(rows, metric):
    """{all_keys values: summary over T} of a metric at step == T."""
    finals = common.final_rows(common.select(rows, metric=metric))
    return common.summarize(finals, by=all_keys(rows), x="T")


def _ordered(rows, keys):
    """Key tuples of all_keys(rows) in table order: learners, instances, n,
    then the extra keys."""
    learners, instances = _sorted_learners(rows), _sorted_instances(rows)
    return sorted(keys, key=lambda k: (learners.index(k[0]), instances.index(k[1]), k[2],
                                       tuple(common.sort_key(v) for v in k[3:])))


def _extra_text(rows, key):
    return common.describe_keys(all_keys(rows)[len(KEYS):], key[len(KEYS):])


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
    learners = _sorted_learners(rows)
    ns = common.unique(rows, "n")
    color = {l: LEARNER_COLORS[i % len(LEARNER_COLORS)] for i, l in enumerate(learners)}
    marker = {n: N_MARKERS[i % len(N_MARKERS)] for i, n in enumerate(ns)}
    # Panels: instances (planted first), then the values of the extra keys.
    panels = []
    for key in _ordered(rows, regret):
        if (key[1],) + key[3:] not in panels:
            panels.append((key[1],) + key[3:])

    cols = min(len(panels), 3)
    nrows = int(math.ceil(len(panels) / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(4.6 * cols, 3.9 * nrows),
                             squeeze=False, sharey=True)
    for ax, (instance, *extra) in zip(axes.flat, panels):
        extra = tuple(extra)
        common.setup_loglog(ax, xlabel="horizon T")
        # Theory: the bound depends on (n, T) only; draw it once per n.
        for n in ns:
            curve = next((s for k, s in bound.items()
                          if k[1] == instance and k[2] == n and k[3:] == extra), None)
            if curve is None:
                continue
            ax.plot(curve["x"], curve["mean"], color="0.45", linestyle="--",
                    linewidth=1.0, zorder=1)
            ax.annotate("n=%d" % n, (curve["x"][-1], curve["mean"][-1]),
                        xytext=(3, 0), textcoords="offset points",
                        fontsize=7, color="0.35", va="center")
        for learner in learners:
            for n in ns:
                s = regret.get((learner, instance, n) + extra)
                if s is None:
                    continue
                c = color[learner]
                common.band(ax, s["x"], s["low"], s["high"], c)
                ax.plot(s["x"], s["mean"], color=c, marker=marker[n],
                        markersize=4, linewidth=1.3, zorder=3)
        described = _extra_text(rows, (None, None, None) + extra)
        ax.set_title(instance_label(instance) + (", " + described if described else ""))
        ax.margins(x=0.08)
    for ax in axes[:, 0]:
        ax.set_ylabel("final regret $R_T$ (mean, 95% CI)")
    for ax in list(axes.flat)[len(panels):]:
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
    fig.suptitle("Regret vs horizon T (%d replicates per point)" % reps)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


# ---------------------------------------------------------------- report

# Why the experiment predicts what it does (experiments/hedge_regret.cc).
PREDICTIONS_TEXT = (
    "Predicted slopes (the experiment's theory rows): on the planted "
    "instance 1/2 for Hedge with η tuned to T (it singles out the planted "
    "expert only after ~√T days) and 0 for anytime Hedge and FTL "
    "(gap-dependent O(ln n/δ) regret, Mourtada & Gaïffas, JMLR 2019), the "
    "latter fitted only over T ≥ 4 ln n/δ², where the planted expert's lead "
    "beats the others' fluctuations; on the FTL trap 1 for FTL (the leader "
    "loses every day) and 1/2 for both Hedges (regret ≈ Σ η_t/8: √(T ln n/8) "
    "tuned, √(T ln n/2) anytime, within Thm 2.2 and 2.3).")


def _horizons_text(used, all_ts):
    if len(used) == len(all_ts):
        return "all"
    if not used:
        return "none"
    return "T ≥ %d (%d)" % (min(used), len(used))


def headline(rows):
    keys = all_keys(rows)
    regret = common.curves(rows, "regret", keys, "T")
    pseudo = common.curves(rows, "pseudo_regret", keys, "T")
    bound = common.curves(rows, "bound", keys, "T")
    predicted = common.predictions(rows, keys, "T")
    ns = common.unique(rows, "n")
    ts = common.unique(rows, "T")
    reps = len(common.unique(rows, "replicate"))

    out = ["## hedge_regret: regret vs T\n\n",
           "Final regret $R_T$ (realised, with sampled actions) against the "
           "horizon T ∈ {%s}, n ∈ {%s}, %d replicates per cell (every learner "
           "of a replicate meets the same losses). Slopes over the horizons "
           "where the predicted regime holds (column \"T fitted\"); the "
           "verdict is on pseudo-regret Σ⟨p_t, l_t⟩ − min L_T, whose mean is "
           "that of $R_T$ without the noise of the sampled actions. %s "
           "Theory curve: √(T ln n/2) (Cesa-Bianchi & Lugosi 2006, Thm 2.2). "
           "%s\n\n"
           % (", ".join(str(t) for t in ts), ", ".join(str(n) for n in ns),
              reps, common.VERDICT_RULE, PREDICTIONS_TEXT)]

    body, flagged, missing = [], [], []
    t_max = max(ts)
    for key in _ordered(rows, regret):
        learner, instance, n = key[:3]
        prediction = predicted.get(key)
        fit, _, used = common.slope_against_theory(regret[key], prediction)
        # The verdict is on pseudo-regret: E[R_T] = E[pseudo-regret]
        # (the sampled action's loss has mean <p_t, l_t>), without the
        # noise of the sampled actions.
        pfit, verdict, _ = common.slope_against_theory(pseudo[key], prediction)
        expected = prediction.slope if prediction else None
        extra = _extra_text(rows, key)
        label = (learner_label(learner) + (" (%s)" % extra if extra else ""),
                 instance_label(instance), n)
        if expected is not None:
            if verdict == "no fit":
                missing.append(label)
            elif verdict != "agrees":
                flagged.append(label + (pfit, expected, verdict))
        xs, mean, low, high = regret[key].means()
        last = list(xs).index(t_max) if t_max in xs else -1
        body.append(list(label) + [
            common.fmt_ci(mean[last], low[last], high[last], 1),
            common.fmt(bound[key].means()[1][last]),
            _horizons_text(used, xs),
            common.fmt_ci(fit["slope"], fit["low"], fit["high"]),
            common.fmt_ci(pfit["slope"], pfit["low"], pfit["high"]),
            "—" if expected is None else "%.1f" % expected, verdict])
    out.append(common.markdown_table(
        ["learner", "instance", "n", "mean $R_T$ at T=%d [95%% CI]" % t_max,
         "bound at T=%d" % t_max, "T fitted", "slope of $R_T$ [95% CI]",
         "slope of pseudo-regret [95% CI]", "expected", "verdict (pseudo-regret)"],
        body, align="llrrrlrrrl"))

    if flagged:
        out.append("\nWhere the slope of pseudo-regret does not agree:\n\n")
        for learner, instance, n, fit, expected, verdict in flagged:
            out.append("- %s on %s, n = %d: measured %s, expected %.1f: %s.\n"
                       % (learner, instance, n,
                          common.fmt_ci(fit["slope"], fit["low"], fit["high"]),
                          expected, verdict))
    elif len(ts) < 2:
        out.append("\nOnly one horizon T in these results: no slopes.\n")
    else:
        out.append("\nEvery slope that could be fitted agrees with theory "
                   "within ±%.1f.\n" % common.SLOPE_TOLERANCE)
    if missing and len(ts) >= 2:
        out.append("\nNo slope (fewer than 2 horizons in the predicted regime, "
                   "larger T needed): %s.\n"
                   % "; ".join("%s on %s, n = %d" % m for m in missing))

    out.append(_paired_section(rows))
    out.append(_bound_check(rows))
    out.append(_memory_line(rows))
    return "".join(out)


def _paired_section(rows):
    """Learners compared on the same losses (common random numbers): paired
    differences at T max on the planted instances, with the unpaired CI on
    the same data beside them."""
    kinds = {learner_kind(l): l for l in common.unique(rows, "learner")}
    pairs = [(kinds[a], kinds[b]) for a, b in (("hedge_anytime", "ftl"),
                                                ("hedge_fixed", "hedge_anytime"))
             if a in kinds and b in kinds]
    planted = [i for i in common.unique(rows, "instance")
               if common.parse_spec(i)[0] == "planted_bernoulli"]
    if not pairs or not planted:
        return ""
    t_max = max(common.unique(rows, "T"))
    out = ["\nPaired comparisons at T = %d (every learner of a replicate meets "
           "the same losses, checked by the sequence checksums): the difference "
           "of two learners per replicate, with its paired t-interval, beside "
           "the unpaired (Welch) interval of the same numbers. Pairing removes "
           "the share of the variance that comes from the data; it is large "
           "where both learners' regret follows the same fluctuations of the "
           "losses (anytime Hedge and FTL both chase the early leader) and "
           "small where a learner's own sampled actions dominate (realised "
           "regret).\n" % t_max]
    for a, b in pairs:
        for metric, name in (("pseudo_regret", "pseudo-regret"), ("regret", "realised $R_T$")):
            for instance in planted:
                wheres = [dict(instance=instance, n=n, T=t_max)
                          for n in common.unique(rows, "n")]
                table, _ = common.paired_table(rows, metric, a, b, wheres,
                                               ["n = %d" % w["n"] for w in wheres])
                if table:
                    out.append("\n%s − %s, %s, %s:\n\n%s"
                               % (learner_label(a), learner_label(b), name,
                                  instance_label(instance), table))
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
