"""ranking_error: empirical error rate vs the confidence δ the policies run
at, beside the line rate = δ (SVC23: the answer is correct with probability
at least 1 − δ).

One line per policy with the error rate over replicates and its exact
(Clopper-Pearson) 95% interval; runs that exhausted their budget count as
not stopped (reported, never as errors). headline() tabulates errors per δ
with the verdict: the claim "rate ≤ δ" is rejected only when the interval
lies wholly above δ.
"""

import common
import ranking_common as rc

EXPERIMENT = "ranking_error"
KEYS = ("policy", "goal", "delta")


def _table(rows):
    records = rc.items(rows, KEYS)
    out = {}
    for (policy, goal, delta), group in rc.cells(records, KEYS).items():
        stopped = [r for r in group if r["stopped"] == 1]
        errors = sum(1 for r in stopped if r["error"] == 1)
        low, high = rc.clopper_pearson(errors, max(len(stopped), 1))
        out[(policy, goal, delta)] = dict(runs=len(group), stopped=len(stopped), errors=errors,
                                          rate=errors / max(len(stopped), 1), low=low, high=high)
    return out


def plot(rows, figures_dir):
    plt = common.use_style()
    table = _table(rows)
    fig, ax = plt.subplots(figsize=(5.6, 4.2))
    deltas = sorted({k[2] for k in table})
    ax.plot(deltas, deltas, color="0.45", linestyle="--", linewidth=1.0, label="rate = δ")
    for policy in sorted({k[0] for k in table}):
        keys = sorted(k for k in table if k[0] == policy)
        xs = [k[2] for k in keys]
        rate = [table[k]["rate"] for k in keys]
        ax.plot(xs, rate, marker="o", color=rc.color(policy), label=rc.label(policy))
        ax.fill_between(xs, [table[k]["low"] for k in keys], [table[k]["high"] for k in keys],
                        color=rc.color(policy), alpha=0.18, linewidth=0)
    ax.set_xlabel("confidence parameter δ")
    ax.set_ylabel("empirical error rate (95% exact CI)")
    ax.set_xlim(0, max(deltas) * 1.05)
    ax.set_ylim(0, max(deltas) * 1.05)
    ax.legend(loc="upper left", fontsize=8)
    reps = len(common.unique(rows, "replicate"))
    ax.set_title("Error rate vs δ (%d replicates per point)" % reps)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    table = _table(rows)
    out = ["## ranking_error: error rate vs δ (Active-ranking, Best-expert)\n\n",
           "Empirical error rate against the confidence δ of the run, on "
           "%s, support %s (%s). "
           "Every δ of a replicate meets the same instance and noise samples. "
           "The claim is rate ≤ δ; the interval is exact (Clopper-Pearson, "
           "95%%). %s\n\n"
           % (rc.instance_text(rows), ", ".join(common.unique(rows, "support")), rc.PAPER,
              rc.RECONSTRUCTION_NOTE)]
    body = []
    for (policy, goal, delta), t in table.items():
        verdict = "EXCEEDS δ" if t["low"] > delta else "≤ δ"
        body.append([rc.label(policy), goal, common.fmt(delta), "%d/%d" % (t["errors"], t["stopped"]),
                     "%d" % (t["runs"] - t["stopped"]),
                     "%.3f [%.3f, %.3f]" % (t["rate"], t["low"], t["high"]), verdict])
    out.append(common.markdown_table(
        ["policy", "goal", "δ", "errors / runs", "not stopped", "rate [95% CI]", "verdict"],
        body, align="llrrrrl"))
    worst = max((t["rate"] / k[2] for k, t in table.items()), default=float("nan"))
    out.append("\nLargest error rate / δ over the cells: %s (the union bounds over "
               "comparisons and rounds are loose, so rates far below δ are expected).\n"
               % common.fmt(worst))
    return "".join(out)
