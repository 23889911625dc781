"""mote_intervention: MoTE's expert discovery by activation differences
(fTRI) and its inference-time interventions (Dahlke et al., 2025) on an
algorithmic char-LM whose "behaviour" is the reverse op. Left: exact match
on the reverse problems against the number m of (block, expert) pairs
intervened on, per intervention (switch off with drop or refill, m random
pairs switched off, force on), beside no intervention. Right: the same on
the other ops' problems (the control data). headline(): the table and the
paper's claims as paired differences over replicates (one trained model
each): switching the top fTRI experts off suppresses the behaviour more
than random experts; the control data keep their quality (within
CONTROL_MARGIN); forcing the experts on changes the control outputs."""

import common
import routing_common as rc

EXPERIMENT = "mote_intervention"
ARMS = ("off_drop", "off_refill", "random_drop", "on")
LABELS = {"off_drop": "top fTRI experts off (drop)", "off_refill": "top fTRI experts off (refill)",
          "random_drop": "random experts off (drop)", "on": "top fTRI experts forced on"}
CONTROL_MARGIN = 0.05  # largest acceptable fall of control exact match


def _values(rows):
    """{(class, arm, m): {replicate: value}}; m = 0 for no intervention."""
    out = {}
    for r in common.final_rows(rows, "steps"):
        parts = r["metric"].split(".")
        if parts[0] != "exact_match":
            continue
        m = int(parts[3][1:]) if len(parts) > 3 else 0
        out.setdefault((parts[1], parts[2], m), {})[r["replicate"]] = r["value"]
    return out


def _counts(values):
    return sorted({m for (_, _, m) in values if m > 0})


def plot(rows, figures_dir):
    plt = common.use_style()
    palette = common.Palette()
    values = _values(rows)
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.4))
    for ax, cls, title in zip(axes, ("behaviour", "control"),
                              ("reverse problems (the behaviour)", "other problems (control)")):
        for arm in ARMS:
            ms = [m for m in _counts(values) if (cls, arm, m) in values]
            stats = [common.mean_ci(list(values[(cls, arm, m)].values())) for m in ms]
            ax.errorbar(ms, [s[0] for s in stats],
                        yerr=[[s[0] - s[1] for s in stats], [s[2] - s[0] for s in stats]],
                        fmt="o-", capsize=3, color=palette(arm), label=LABELS[arm])
        if (cls, "none", 0) in values:
            ax.axhline(common.mean_ci(list(values[(cls, "none", 0)].values()))[0], ls="--",
                       color="0.4", label="no intervention")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("(block, expert) pairs intervened on")
        ax.set_ylabel("exact match (mean, 95% CI)")
        ax.set_title(title)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _claims(values):
    def diff(a, b):
        return rc.paired(values.get(a, {}), values.get(b, {}))

    out = []
    for m in _counts(values):
        d = diff(("behaviour", "off_drop", m), ("behaviour", "random_drop", m))
        if d:
            out.append(["switching the top fTRI experts off suppresses the behaviour more than "
                        "as many random experts (paper: refusals −52% vs ≈ −9% for 10 of 14,848)",
                        "m = %d" % m, "Δ reverse exact match, top − random %s"
                        % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                        common.sign_verdict(d["low"], d["high"], -1)])
        d = diff(("control", "off_drop", m), ("control", "none", 0))
        if d:
            verdict = rc.within_loss_margin(d, CONTROL_MARGIN)
            out.append(["switching them off leaves the control data's quality (within %.2f; "
                        "paper: no MT-Bench degradation)" % CONTROL_MARGIN, "m = %d" % m,
                        "Δ control exact match vs none %s"
                        % common.fmt_ci(d["mean"], d["low"], d["high"], 3), verdict])
        d = diff(("control", "on", m), ("control", "none", 0))
        if d:
            out.append(["forcing the top fTRI experts on changes the control outputs (paper: "
                        "refusals rise)", "m = %d" % m, "Δ control exact match vs none %s"
                        % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                        common.sign_verdict(d["low"], d["high"], -1)])
    return out


def headline(rows):
    values = _values(rows)
    body = []
    for arm in ("none",) + ARMS:
        for m in ([0] if arm == "none" else _counts(values)):
            cells = [arm if arm == "none" else "%s, m = %d" % (LABELS[arm], m)]
            for cls in ("behaviour", "control"):
                v = values.get((cls, arm, m), {})
                cells.append(common.fmt_ci(*common.mean_ci(list(v.values())), 3) if v else "—")
            body.append(cells)
    return ("## mote_intervention: tunable experts found by activation differences\n\n"
            "%s. One model per replicate trains with top-2 renormalised routing on generated "
            "algorithmic problems; fTRI ranks each (block, expert) pair by its mean routed "
            "positions per held-out reverse line minus per other line; interventions act on "
            "the top m pairs at inference only (mote router: drop empties the slot and "
            "renormalises, refill lets the next expert in, force-on replaces the least "
            "probable selected expert). Exact match of whole held-out answers, teacher forced. "
            "Claims as paired differences over replicates (*agrees* when the 95%% CI lies on "
            "the claimed side, *DISAGREES* when on the other, else *inconclusive*):\n\n"
            % rc.grid_text(rows)
            + common.markdown_table(["arm", "reverse exact match", "control exact match"], body,
                                    "lrr")
            + "\n\n"
            + common.markdown_table(["claim", "m", "measured", "verdict"], _claims(values),
                                    "llll"))
