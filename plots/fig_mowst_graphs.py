"""mowst_graphs: Mowst (Zeng et al., ICLR 2024), a weak MLP and a strong
GCN mixed by the MLP's confidence, against each expert alone, on
contextual SBM graphs whose feature nodes are told apart by their own
features and whose structure nodes only by their neighbourhoods. Left:
test accuracy against the share of structure nodes. Right: Mowst's
confidence C on each kind of node (the probability of keeping the MLP's
prediction) and the share of nodes sent to the GCN. headline(): the table
and the paper's claims as paired differences over replicates (one graph
each)."""

import common
import routing_common as rc

EXPERIMENT = "mowst_graphs"
MODELS = ("mlp", "gnn", "mowst", "mowst_soft")
LABELS = {"mlp": "MLP alone (weak)", "gnn": "GCN alone (strong)",
          "mowst": "Mowst (random routing by C)", "mowst_soft": "Mowst (soft mixture)",
          "feature": "C on feature nodes", "structure": "C on structure nodes",
          "gnn_fraction": "share of nodes sent to the GCN"}


def _values(rows):
    """{(metric, share): {replicate: value}}."""
    out = {}
    for r in rows:
        out.setdefault((r["metric"], r["structure_share"]), {})[r["replicate"]] = r["value"]
    return out


def _shares(values):
    return sorted({s for (_, s) in values})


def _curve(ax, values, metric, label, color, fmt="o-"):
    shares = [s for s in _shares(values) if (metric, s) in values]
    stats = [common.mean_ci(list(values[(metric, s)].values())) for s in shares]
    ax.errorbar(shares, [m for m, _, _ in stats],
                yerr=[[m - lo for m, lo, _ in stats], [hi - m for m, _, hi in stats]],
                fmt=fmt, capsize=3, color=color, label=label)


def plot(rows, figures_dir):
    plt = common.use_style()
    palette = common.Palette()
    values = _values(rows)
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.4))
    for model in MODELS:
        _curve(axes[0], values, "accuracy." + model, LABELS[model], palette(model))
    axes[0].set_ylabel("test accuracy (mean, 95% CI)")
    for kind in ("feature", "structure"):
        _curve(axes[1], values, "confidence." + kind, LABELS[kind], palette(kind))
    _curve(axes[1], values, "gnn_fraction", LABELS["gnn_fraction"], palette("gnn_fraction"),
           "s--")
    axes[1].set_ylabel("mean (95% CI)")
    for ax in axes:
        ax.set_xlabel("share of structure nodes")
        ax.legend(fontsize=7)
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def _claims(values):
    out = []
    for s in _shares(values):
        mowst = values.get(("accuracy.mowst", s), {})
        for other in ("mlp", "gnn"):
            d = rc.paired(mowst, values.get(("accuracy." + other, s), {}))
            if d:
                out.append(["Mowst is more accurate than the %s alone (paper: above both "
                            "experts on every data set)" % ("MLP" if other == "mlp" else "GCN"),
                            "structure share %g" % s, "Δ accuracy %s"
                            % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                            common.sign_verdict(d["low"], d["high"], 1)])
        d = rc.paired(values.get(("confidence.feature", s), {}),
                      values.get(("confidence.structure", s), {}))
        if d:
            out.append(["the MLP is more confident on nodes its features tell apart, so the "
                        "GCN takes the others (paper §3.3)", "structure share %g" % s,
                        "Δ C, feature − structure nodes %s"
                        % common.fmt_ci(d["mean"], d["low"], d["high"], 3),
                        common.sign_verdict(d["low"], d["high"], 1)])
    return out


def headline(rows):
    values = _values(rows)
    metrics = ["accuracy." + m for m in MODELS] + ["confidence.feature", "confidence.structure",
                                                   "gnn_fraction"]
    body = []
    for s in _shares(values):
        cells = ["%g" % s]
        for metric in metrics:
            v = values.get((metric, s), {})
            cells.append(common.fmt_ci(*common.mean_ci(list(v.values())), 3) if v else "—")
        body.append(cells)
    headers = ["structure share"] + [LABELS[m] for m in MODELS] + [
        LABELS["feature"], LABELS["structure"], LABELS["gnn_fraction"]]
    reps = len(common.unique(rows, "replicate"))
    return ("## mowst_graphs: a weak MLP and a strong GCN mixed by confidence\n\n"
            "%d replicates (one graph each; half its nodes labelled, the other half scored). "
            "Feature nodes carry strong class signal and class-blind edges, structure nodes "
            "weak signal and homophilous edges. Mowst's gate C = sigmoid(a D_var + b D_ent + "
            "c) reads the dispersion of the MLP's prediction; MLP with gate and GCN train in "
            "alternating phases on the loss C CE_MLP + (1 − C) CE_GCN. Random routing keeps the "
            "MLP's prediction with probability C (accuracy in expectation). Claims as paired "
            "differences over replicates (*agrees* when the 95%% CI lies on the claimed side, "
            "*DISAGREES* when on the other, else *inconclusive*):\n\n" % reps
            + common.markdown_table(headers, body, "l" + "r" * (len(headers) - 1))
            + "\n\n"
            + common.markdown_table(["claim", "where", "measured", "verdict"], _claims(values),
                                    "llll"))
