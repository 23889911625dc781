"""routing_smoe_dropout: validation MSE of the trained weights against the
number of experts k used at inference, one line per arm (SMoE-Dropout's
frozen random router vs a learned top-k router), mean with 95% band over
replicates. The paper's claim: quality rises monotonically and smoothly with
k only for SMoE-Dropout ("self-slimmable")."""

import re

import common
import routing_common as rc

EXPERIMENT = "routing_smoe_dropout"


def _keys(rows):
    return rc.arm_keys(rows, ("router", "k"))


def at_k(rows, keys, prefix="val_mse_at_k"):
    """{arm: Curve over inference k} from the <prefix>.<k> final rows."""
    per = {}
    for r in common.final_rows(rows, "steps"):
        m = re.fullmatch(re.escape(prefix) + r"\.(\d+)", r["metric"])
        if m:
            key = tuple(r[k] for k in keys)
            per.setdefault(key, {}).setdefault(int(m.group(1)), {})[r["replicate"]] = r["value"]
    return {key: common.Curve(v) for key, v in per.items()}


def plot(rows, figures_dir):
    plt = common.use_style()
    keys = _keys(rows)
    palette = common.Palette()
    fig, ax = plt.subplots(figsize=(6.0, 4.4))
    for key, curve in at_k(rows, keys).items():
        xs, mean, low, high = curve.means()
        ax.plot(xs, mean, "o-", color=palette(key), label=rc.arm_label(keys, key))
        common.band(ax, xs, low, high, palette(key))
    ax.set_yscale("log")
    ax.set_xlabel("experts per token at inference (k)")
    ax.set_ylabel("validation MSE")
    ax.legend(fontsize=7)
    ax.set_title("Self-slimmable? quality vs inference k")
    return common.save_figure(fig, figures_dir, EXPERIMENT)


def headline(rows):
    keys = _keys(rows)
    body = []
    for key, curve in at_k(rows, keys).items():
        xs, mean, _, _ = curve.means()
        drops = sum(1 for a, b in zip(mean, mean[1:]) if b > a)
        best = int(xs[list(mean).index(min(mean))])
        body.append([rc.arm_label(keys, key), common.fmt(mean[0]), common.fmt(mean[-1]),
                     str(best), "%d of %d" % (drops, len(xs) - 1)])
    return ("## routing_smoe_dropout: quality vs inference-time k\n\n"
            "%s. Paper (Chen et al., ICLR 2023): with a frozen random router and k "
            "growing in training, quality rises monotonically with the inference k; a "
            "learned router's curve need not. Columns: MSE at k = 1 and k = E, the best "
            "k, and how many increases of k made the MSE worse (0 = monotone).\n\n"
            % rc.grid_text(rows)
            + common.markdown_table(["arm", "MSE at k = 1", "MSE at k = E", "best k",
                                     "steps up that hurt"], body, "lrrrr"))
