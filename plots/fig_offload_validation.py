"""offload_validation: the trace simulator against the real disk-backed
engine on the same trace, the simulator given the read bandwidth and
per-layer compute the engine measured in the same cell.

Figure: left, the simulator's hit ratio against the engine's (every
point on y = x when both make the same decisions); right, stall per
token, engine (median of its five runs) vs simulator, one point per
(policy, capacity, replicate) with y = x. headline(): per policy and
capacity, both hit ratios, both stalls with their relative gap beside
the host's run-to-run spread in that cell (the larger of the engine's
own runs' range and the range of the simulator's stall under each
round's calibration), the engine's tokens/s and the simulator's replay
speed (tokens per wall second) and their ratio.
"""

import common
import offload_common as oc
from stats import SIMULATOR_STALL_TOLERANCE as STALL_LIMIT

EXPERIMENT = "offload_validation"


def _groups(rows):
    return oc.groups(rows, {"policy", "capacity"})


def _pairs(group, metric):
    engine = oc.by_cell(group, metric, ("policy", "capacity"))
    sim = oc.by_cell(group, "sim." + metric, ("policy", "capacity"))
    return engine, sim


def plot(rows, figures_dir):
    plt = common.use_style()
    keys, groups = _groups(rows)
    fig, axes = plt.subplots(len(groups), 2, figsize=(11, 4.6 * len(groups)), squeeze=False)
    for row, (values, group) in zip(axes, groups.items()):
        for ax, metric, text in ((row[0], "hit_ratio", "hit ratio"),
                                 (row[1], "stall_ms_per_token", "stall per token (ms)")):
            engine, sim = _pairs(group, metric)
            top = 0.0
            for spec in oc.policies(group):
                xs, ys = [], []
                for (p, _), per_rep in engine.items():
                    if p != spec:
                        continue
                    for r, value in per_rep.items():
                        xs.append(value)
                        ys.append(sim[(p, _)][r])
                top = max([top] + xs + ys)
                ax.plot(xs, ys, "o", color=oc.color(spec), label=oc.label(spec))
            ax.plot([0, top * 1.05], [0, top * 1.05], ":", color="#7F7F7F", label="y = x")
            ax.set_xlabel("engine " + text)
            ax.set_ylabel("simulator " + text)
            title = common.describe_keys(keys, values)
            if title:
                ax.set_title(title, fontsize=8)
            ax.legend(fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _host_spread(group):
    """Per cell and replicate, the host's run-to-run spread: the larger of
    the engine's runs' range and the calibrations' range (both over their
    median), each measured in that cell."""
    runs = oc.by_cell(group, "stall_run_spread", ("policy", "capacity"))
    calibrations = oc.by_cell(group, "sim.stall_calibration_spread", ("policy", "capacity"))
    return {cell: {r: max(v, calibrations.get(cell, {}).get(r, 0.0)) for r, v in per_rep.items()}
            for cell, per_rep in runs.items()}


def _stall_verdict(over, over_in_spread, gaps):
    """The tolerance's verdict: a gap beyond it that the host's own
    spread in that cell also spans holds within the host's run-to-run
    spread (the simulator cannot be judged finer than the host reproduces
    the engine and its calibration)."""
    if over == 0:
        return "holds"
    if over == over_in_spread:
        return ("holds within the host's run-to-run spread: exceeded in %d of %d cells, each "
                "within its cell's spread" % (over, gaps))
    return "missed: exceeded in %d of %d cells, %d beyond the host's spread there" % (
        over, gaps, over - over_in_spread)


def headline(rows):
    keys, groups = _groups(rows)
    parts = ["## offload_validation: simulator vs real engine\n",
             "The same trace through the disk-backed engine and the simulator "
             "(bandwidth, hand-off and compute per layer measured by the engine in the same "
             "cell; five rounds, each a calibration then a run of the trace, the engine's "
             "stall the runs' median and the simulator's that under the median costs; the "
             "host's run-to-run spread is the larger of the runs' range and the range of the "
             "simulator's stall under each round's costs, over their medians). "
             "Hit ratios must agree exactly; stalls within %d%%. Speed: the simulator's "
             "replay tokens per wall second over the engine's tokens/s (target ≥ 1000×).\n"
             % round(STALL_LIMIT * 100)]
    for values, group in groups.items():
        title = common.describe_keys(keys, values)
        if title:
            parts.append("### %s\n" % title)
        hit, sim_hit = _pairs(group, "hit_ratio")
        stall, sim_stall = _pairs(group, "stall_ms_per_token")
        tps = oc.by_cell(group, "tokens_per_s", ("policy", "capacity"))
        ratio = oc.by_cell(group, "speed_ratio", ("policy", "capacity"))
        gbs = oc.by_cell(group, "read_gbs", ("policy", "capacity"))
        spread = _host_spread(group)
        body, worst_hit, worst_stall, least_speed = [], 0.0, 0.0, float("inf")
        worst_spread, within_spread, gaps, over, over_in_spread = 0.0, 0, 0, 0, 0
        for cell in sorted(hit, key=lambda c: (oc.policies(group).index(c[0]), c[1])):
            for r in hit[cell]:
                worst_hit = max(worst_hit, abs(hit[cell][r] - sim_hit[cell][r]))
                if stall[cell][r] > 0:
                    gap = abs(sim_stall[cell][r] / stall[cell][r] - 1)
                    worst_stall = max(worst_stall, gap)
                    gaps += 1
                    within_spread += gap <= spread[cell][r]
                    over += gap > STALL_LIMIT
                    over_in_spread += STALL_LIMIT < gap <= spread[cell][r]
                worst_spread = max(worst_spread, spread[cell][r])
                least_speed = min(least_speed, ratio[cell][r])
            e_stall, s_stall = oc.mean_ci(stall[cell])[0], oc.mean_ci(sim_stall[cell])[0]
            body.append([oc.label(cell[0]), "%g" % cell[1],
                         "%.3f" % oc.mean_ci(hit[cell])[0], "%.3f" % oc.mean_ci(sim_hit[cell])[0],
                         common.fmt(e_stall), common.fmt(s_stall),
                         "%+.0f%%" % (100 * (s_stall / e_stall - 1)) if e_stall > 0 else "",
                         "%.0f%%" % (100 * oc.mean_ci(spread[cell])[0]),
                         common.fmt(oc.mean_ci(gbs[cell])[0]),
                         common.fmt(oc.mean_ci(tps[cell])[0]),
                         "%.0f×" % oc.mean_ci(ratio[cell])[0]])
        parts.append(common.markdown_table(
            ["policy", "capacity", "hit (engine)", "hit (sim)", "stall ms/token (engine)",
             "stall ms/token (sim)", "sim − engine", "host run-to-run", "read GB/s",
             "engine tokens/s", "sim speed / engine"], body, "lrrrrrrrrrr") + "\n")
        parts.append("Largest hit-ratio gap %.1e (exact agreement expected); largest relative "
                     "stall gap %.0f%% (tolerance %d%%: %s), where the host's own spread "
                     "reaches %.0f%% (%d of %d gaps within their cell's run-to-run "
                     "spread); slowest simulator speed ratio %.0f× (target 1000×: %s).\n"
                     % (worst_hit, 100 * worst_stall, round(STALL_LIMIT * 100),
                        _stall_verdict(over, over_in_spread, gaps),
                        100 * worst_spread, within_spread, gaps,
                        least_speed, "holds" if least_speed >= 1000 else "missed"))
    return "\n".join(parts)
