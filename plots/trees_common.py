"""Helpers shared by the expertise-trees figures (fig_trees_regions.py,
fig_trees_runtime.py, fig_trees_regret.py): learner labels and colours,
per-run values keyed by the data they met, the values read from the
authors' published figures, and pooling as the authors pool.

Every trees experiment records its rows at step T (and `reward` at
checkpoints, experiments/trees_cell.h). The authors pool every point over
data sets, seeds and N in {4, 32}; so do these figures: a run is one
(dataset, N, width, T, replicate), and a point is the mean over runs.
"""

import math

import common

PAPER = ("Abels, Lenaerts, Trianni & Nowé, \"Expertise Trees Resolve Knowledge "
         "Limitations in Collective Decision-Making\", ICML 2023")
PAPER_NOTE = (
    "Paper values are read off the figures rendered by the authors' public "
    "plotting notebook (about ±0.01 on reward, ±10% on run-time ratios); they "
    "pool 45 OpenML data sets, N ∈ {4, 32} and many seeds.")

# Columns of the paper's figures, and our spec for each.
PAPER_COLUMNS = (("expertise_tree", "ET"),
                 ("expertise_tree(incremental=true)", "Incr. ET"),
                 ("meta_cmab", "Meta-CMAB"),
                 ("knn(fraction=0.01)", "Nearest 1%"),
                 ("knn(fraction=0.1)", "Nearest 10%"),
                 ("hoeffding_ts", "TreeHeuristic"),
                 ("oracle", "Oracle"))

# Average reward over T = 1000 rounds, {(g, R): (ET, Incr. ET, Meta-CMAB,
# Nearest 1%, Nearest 10%, TreeHeuristic, Oracle)}.
PAPER_REWARD = {
    (2, 1): (0.89, 0.88, 0.89, 0.76, 0.86, 0.71, 0.89),
    (2, 4): (0.87, 0.86, 0.51, 0.74, 0.82, 0.63, 0.87),
    (2, 16): (0.75, 0.76, 0.50, 0.72, 0.78, 0.56, 0.84),
    (2, 64): (0.62, 0.64, 0.50, 0.69, 0.65, 0.52, 0.77),
    (4, 1): (0.89, 0.88, 0.89, 0.76, 0.86, 0.71, 0.89),
    (4, 4): (0.86, 0.85, 0.50, 0.64, 0.67, 0.63, 0.87),
    (4, 16): (0.75, 0.73, 0.50, 0.61, 0.61, 0.55, 0.84),
    (4, 64): (0.61, 0.60, 0.50, 0.58, 0.55, 0.51, 0.77),
    (16, 1): (0.89, 0.87, 0.89, 0.76, 0.86, 0.71, 0.89),
    (16, 4): (0.86, 0.82, 0.51, 0.56, 0.57, 0.61, 0.87),
    (16, 16): (0.74, 0.65, 0.50, 0.53, 0.54, 0.53, 0.84),
    (16, 64): (0.59, 0.55, 0.50, 0.52, 0.52, 0.51, 0.77),
    (64, 1): (0.89, 0.85, 0.89, 0.76, 0.86, 0.71, 0.89),
    (64, 4): (0.85, 0.78, 0.51, 0.52, 0.54, 0.59, 0.87),
    (64, 16): (0.72, 0.59, 0.50, 0.51, 0.52, 0.52, 0.84),
    (64, 64): (0.57, 0.52, 0.50, 0.51, 0.51, 0.50, 0.78),
}

# Run time relative to Meta-CMAB: {column: {R: ratio}} at g = 2 and
# {column: {g: ratio}} at R = 1.
PAPER_TIME_BY_R = {"ET": {1: 12.6, 4: 20, 16: 28, 64: 30},
                   "Incr. ET": {1: 10.5, 4: 11, 16: 12.6, 64: 13.6},
                   "Nearest 10%": {1: 48, 4: 48, 16: 48, 64: 48},
                   "Nearest 1%": {1: 8.5, 4: 8.5, 16: 8.5, 64: 8.5},
                   "TreeHeuristic": {1: 3.3, 4: 3.3, 16: 3.3, 64: 3.3},
                   "Meta-CMAB": {1: 1, 4: 1, 16: 1, 64: 1}}
PAPER_TIME_BY_G = {"ET": {2: 12, 4: 20, 16: 107, 64: 800},
                   "Incr. ET": {2: 10.5, 4: 15, 16: 46, 64: 240},
                   "Nearest 10%": {2: 48, 4: 48, 16: 48, 64: 48},
                   "Nearest 1%": {2: 8.5, 4: 8.5, 16: 8.5, 64: 8.5},
                   "TreeHeuristic": {2: 3.3, 4: 4.2, 16: 9.1, 64: 30},
                   "Meta-CMAB": {2: 1, 4: 1, 16: 1, 64: 1}}

LABELS = {"meta_cmab": "Meta-CMAB", "exp4": "EXP4", "oracle": "region oracle",
          "expertise_tree": "Expertise Tree", "expertise_tree(incremental=true)":
          "Incremental Expertise Tree", "knn": "nearest-neighbour Meta-CMAB",
          "hoeffding_ts": "Hoeffding trees + TS", "specialists": "specialists"}
COLORS = {"meta_cmab": "#7F7F7F", "exp4": "#CC79A7", "oracle": "#000000",
          "expertise_tree": "#0072B2", "expertise_tree(incremental=true)": "#56B4E9",
          "knn(fraction=0.1)": "#D55E00", "knn(fraction=0.01)": "#E69F00",
          "hoeffding_ts": "#009E73", "specialists": "#F0E442"}
_PALETTE = common.Palette(COLORS)

# Columns that identify the data a run met (pooled over by the figures).
RUN_KEYS = ("dataset", "N", "width", "T", "replicate")


def canonical(spec):
    """The spec without spaces, so 'knn(fraction = 0.1)' finds its colour."""
    return str(spec).replace(" ", "")


def label(spec):
    spec = canonical(spec)
    return LABELS[spec] if spec in LABELS else common.label(spec, LABELS)


def color(spec):
    return _PALETTE(canonical(spec))


def paper_column(spec):
    return dict(PAPER_COLUMNS).get(canonical(spec))


def panel_keys(rows, used):
    """Parameter columns a figure splits into panels beyond ``used``: every
    other varying one except those it pools (RUN_KEYS)."""
    return tuple(common.extra_keys(rows, set(used) | set(RUN_KEYS)))


def runs(rows, metric, keys, step=None):
    """{key tuple: {run tuple: value}} of ``metric`` at the cell's final step
    (or at ``step``), ``keys`` identifying the point and RUN_KEYS the run."""
    out = {}
    for r in rows:
        if r["metric"] != metric or r["step"] != (r["T"] if step is None else step):
            continue
        out.setdefault(tuple(r[k] for k in keys), {})[tuple(r[k] for k in RUN_KEYS)] = r["value"]
    return dict(sorted(out.items(), key=lambda kv: tuple(common.sort_key(v) for v in kv[0])))


def mean_ci(per_run):
    return common.mean_ci(list(per_run.values()))


def geometric_ci(values):
    """Geometric mean of positive ratios with the 95% CI of the mean log."""
    logs = [math.log(v) for v in values if v > 0]
    mean, low, high = common.mean_ci(logs)
    return tuple(math.exp(v) if not math.isnan(v) else v for v in (mean, low, high))


def pooled_text(rows):
    """What a point pools: the data sets, N and replicates present."""
    return "%s; N ∈ {%s}; %d replicates" % (
        ", ".join(str(d) for d in common.unique(rows, "dataset")),
        ", ".join(str(n) for n in common.unique(rows, "N")),
        len(common.unique(rows, "replicate")))


def fmt_ci(mean, low, high, digits=2):
    if isinstance(mean, float) and math.isnan(mean):
        return "–"
    return "%.*f [%.*f, %.*f]" % (digits, mean, digits, low, digits, high)


def order_learners(specs):
    """Learners in the paper's column order, the rest after."""
    rank = {s: i for i, (s, _) in enumerate(PAPER_COLUMNS)}
    return sorted(specs, key=lambda s: (rank.get(canonical(s), len(rank)), str(s)))
