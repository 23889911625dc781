"""debate_elo: cross-play tournament of experts (skill x best-of-N), their
Elo ratings, and self-play judge accuracy against those ratings, under
debate and under consultancy (Khan et al., ICML 2024, §3, Figs. 3, 4, 7).

Panels: (a) self-play accuracy vs aggregate Elo (Fig. 3 right, and the
same experts as consultants); (b) E^C − E^I vs aggregate Elo (Fig. 3
middle); (c) accuracy vs win rate: consultancy against the consultant's
win rate, debate against the win rate over the reference (Figs. 4 right,
7). One point per expert, mean over replicates; lines are least-squares
fits through the means.

headline() tabulates every expert and gives, per judge, the least-squares
slopes that carry the paper's claims, each fitted per replicate (one
replicate = one tournament on its own questions) with a 95% t-interval
over replicates.
"""

import numpy as np

import common
import debate_common as dc

EXPERIMENT = "debate_elo"

METRICS = ("skill", "bon", "elo", "elo_correct", "elo_incorrect", "win_rate_vs_reference",
           "debate_accuracy", "consultancy_accuracy", "consultancy_truth", "consultancy_false",
           "consultancy_win_rate")

JUDGE_MARKERS = ["o", "s", "^", "D", "v", "P"]
# Panel (b) colours one series per judge, apart from the protocol colours.
JUDGE_COLORS = ["#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]


def _panel_keys(rows):
    return ("judge",) + tuple(common.extra_keys(rows, {"judge"}))


def _tables(rows):
    """{panel: {metric: array expert x replicate}} (replicates sorted)."""
    keys = _panel_keys(rows)
    out = {}
    for panel, group in common.group_by(rows, *keys).items():
        panel = panel if isinstance(panel, tuple) else (panel,)
        reps = common.unique(group, "replicate")
        steps = common.unique(common.select(group, metric="elo"), "step")
        table = {m: np.full((len(steps), len(reps)), np.nan) for m in METRICS}
        for r in group:
            if r["metric"] in table:
                table[r["metric"]][steps.index(r["step"]), reps.index(r["replicate"])] = r["value"]
        out[panel] = table
    return keys, out


def _slope(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if np.ptp(x) == 0:
        return float("nan")
    return float(np.polyfit(x, y, 1)[0])


def _slope_ci(table, x, y, scale):
    """Least-squares slope of y on x over experts, per replicate, times
    ``scale``: (mean, low, high) over replicates."""
    slopes = [scale * _slope(table[x][:, r], table[y][:, r]) for r in range(table[x].shape[1])]
    return common.mean_ci(slopes)


def _expert_label(table, i):
    return "skill %s, best-of-%d" % (common.fmt(table["skill"][i, 0]), int(table["bon"][i, 0]))


def _fit_line(ax, x, y, **style):
    if len(x) >= 2 and np.ptp(x) > 0:
        a, b = np.polyfit(x, y, 1)
        xs = np.array([min(x), max(x)])
        ax.plot(xs, a * xs + b, linewidth=1.0, **style)


def plot(rows, figures_dir):
    plt = common.use_style()
    keys, tables = _tables(rows)
    fig, axes = plt.subplots(1, 3, figsize=(15.0, 4.6))
    for k, (panel, t) in enumerate(tables.items()):
        marker = JUDGE_MARKERS[k % len(JUDGE_MARKERS)]
        where = common.describe_keys(keys, panel)
        elo = t["elo"].mean(axis=1)
        for protocol, metric in (("debate", "debate_accuracy"),
                                 ("consultancy", "consultancy_accuracy")):
            acc = t[metric].mean(axis=1)
            ax = axes[0]
            ax.scatter(elo, acc, color=dc.color(protocol), marker=marker, s=22,
                       label="%s, %s" % (dc.label(protocol), where))
            _fit_line(ax, elo, acc, color=dc.color(protocol),
                      linestyle="-" if protocol == "debate" else "--")
        gap = (t["elo_correct"] - t["elo_incorrect"]).mean(axis=1)
        shade = JUDGE_COLORS[k % len(JUDGE_COLORS)]
        axes[1].scatter(elo, gap, color=shade, marker=marker, s=22, label=where)
        _fit_line(axes[1], elo, gap, color=shade)
        for protocol, x_metric, y_metric in (
                ("debate", "win_rate_vs_reference", "debate_accuracy"),
                ("consultancy", "consultancy_win_rate", "consultancy_accuracy")):
            x, y = t[x_metric].mean(axis=1), t[y_metric].mean(axis=1)
            axes[2].scatter(x, y, color=dc.color(protocol), marker=marker, s=22,
                            label="%s, %s" % (dc.label(protocol), where))
            _fit_line(axes[2], x, y, color=dc.color(protocol),
                      linestyle="-" if protocol == "debate" else "--")
    axes[0].set_xlabel("aggregate Elo (reference expert = 0)")
    axes[0].set_ylabel("self-play judge accuracy")
    axes[0].set_title("(a) accuracy vs debater Elo")
    axes[1].axhline(0.0, color="0.6", linestyle=":", linewidth=0.9)
    axes[1].set_xlabel("aggregate Elo")
    axes[1].set_ylabel("E^C − E^I (Elo points)")
    axes[1].set_title("(b) truth advantage vs Elo")
    axes[2].set_xlabel("win rate (debate: over the reference; consultancy: the consultant's)")
    axes[2].set_ylabel("self-play judge accuracy")
    axes[2].set_title("(c) accuracy vs win rate")
    for ax in (axes[0], axes[2]):
        ax.axhline(0.5, color="0.6", linestyle=":", linewidth=0.9)
    for ax in axes:
        ax.legend(fontsize=6.5, loc="best")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _sign_claim(low, high, rising):
    """Whether a 95% interval lies wholly on the claimed side of 0."""
    if rising:
        return "holds" if low > 0 else "does not hold" if high < 0 else "inconclusive"
    return "holds" if high < 0 else "does not hold" if low > 0 else "inconclusive"


def headline(rows):
    keys, tables = _tables(rows)
    reps = len(common.unique(rows, "replicate"))
    out = ["## debate_elo: judge accuracy vs debater Elo, debate vs consultancy\n\n",
           "A round-robin cross-play tournament of %d experts (skill × best-of-N) "
           "per judge, rated by Elo from win rates with the assignments flipped "
           "and averaged (reference: skill 0.5, best-of-1, at 0), and by E^C / "
           "E^I from the directional win rates; self-play accuracy on other "
           "questions. Means over %d replicates (each its own tournament and "
           "questions) [95%% CI]. Paper (%s, §3, Figs. 3, 4, 7): with a "
           "GPT-4-Turbo judge, self-play debate accuracy rises steadily with "
           "aggregate Elo, from about chance for the weakest debaters to the "
           "mid-to-high 70s for the strongest; every debater has E^C > E^I and "
           "the gap (about 50–300 points) grows with Elo; consultancy accuracy "
           "falls as the consultant gets more persuasive (about 62%% → 56%% as "
           "its win rate rises from 86%% to 92%%). Ratings across the paper's "
           "LLM judges: GPT-4-Turbo best-of-16 141, Claude 2.1 best-of-4 79, "
           "Claude 2.1 best-of-1 0 (reference), GPT-3.5-Turbo best-of-16 −60. "
           "%s\n\n" % (next(iter(tables.values()))["elo"].shape[0] if tables else 0, reps,
                       dc.PAPER, dc.ANALOGUE_NOTE)]
    claims = []
    for panel, t in tables.items():
        where = common.describe_keys(keys, panel)
        order = np.argsort(t["elo"].mean(axis=1))
        body = []
        for i in order:
            cells = [common.fmt_ci(*common.mean_ci(t[m][i]), digits=d) for m, d in (
                ("elo", 0), ("elo_correct", 0), ("elo_incorrect", 0))]
            cells.append(common.fmt_ci(*common.mean_ci(t["elo_correct"][i] - t["elo_incorrect"][i]),
                                       digits=0))
            cells += [common.fmt_ci(*common.mean_ci(t[m][i]), digits=3) for m in (
                "debate_accuracy", "consultancy_accuracy", "consultancy_win_rate")]
            body.append([_expert_label(t, i)] + cells)
        out.append("**%s**\n\n" % where)
        out.append(common.markdown_table(
            ["expert", "Elo", "E^C", "E^I", "E^C − E^I", "debate accuracy",
             "consultancy accuracy", "consultant win rate"], body, "l" + "r" * 7))
        out.append("\n")
        weakest, strongest = order[0], order[-1]
        for what, x, y, scale, rising in (
                ("debate accuracy per 100 Elo", "elo", "debate_accuracy", 100.0, True),
                ("consultancy accuracy per 100 Elo", "elo", "consultancy_accuracy", 100.0, False),
                ("consultancy accuracy per +0.1 consultant win rate", "consultancy_win_rate",
                 "consultancy_accuracy", 0.1, False)):
            mean, low, high = _slope_ci(t, x, y, scale)
            claims.append([where, what, common.fmt_ci(mean, low, high, digits=3),
                           ("rises" if rising else "falls") + ": "
                           + _sign_claim(low, high, rising)])
        gap = {"elo": t["elo"], "gap": t["elo_correct"] - t["elo_incorrect"]}
        mean, low, high = _slope_ci(gap, "elo", "gap", 100.0)
        claims.append([where, "E^C − E^I per 100 Elo", common.fmt_ci(mean, low, high, digits=1),
                       "rises: " + _sign_claim(low, high, True)])
        smallest = min(common.mean_ci(t["elo_correct"][i] - t["elo_incorrect"][i])[1]
                       for i in range(len(order)))
        claims.append([where, "smallest lower CI of E^C − E^I over experts",
                       "%.0f" % smallest, "E^C > E^I for every expert: "
                       + ("holds" if smallest > 0 else "not shown")])
        for metric in ("debate_accuracy", "consultancy_accuracy"):
            d = common.mean_ci(t[metric][strongest] - t[metric][weakest])
            claims.append([where, "%s, strongest − weakest (%s vs %s)"
                           % (metric.replace("_", " "), _expert_label(t, strongest),
                              _expert_label(t, weakest)),
                           common.fmt_ci(*d, digits=3), "paired"])
    out.append("Claims, per judge (slopes: least squares over the experts within one "
               "replicate, then a t-interval over replicates; a claim *holds* when the "
               "whole interval has the paper's sign):\n\n")
    out.append(common.markdown_table(["judge", "quantity", "value [95% CI]", "paper's claim"],
                                     claims, "llrl"))
    return "".join(out) + "\n"
