"""Curves of one metric over an x column, summarised over replicates, and
the experiments' predictions (theory.slope / theory.fit rows) they are
judged against; paired comparisons of two methods on the same data.
"""

import math
from collections import OrderedDict

import numpy as np

from rows import group_by, values
from stats import (LEVEL, mean_ci, paired_difference, slope_fit, unpaired_difference,
                   verdict)
from tables import fmt, fmt_ci, markdown_table


def summarize(rows, by, x="step", level=LEVEL):
    """Mean and t-interval over replicates for each group and x value.

    Returns {group: {"x": array, "mean": array, "low": array, "high": array,
    "n": array}} with x sorted; ``by`` is a tuple of column names (group keys
    as in ``group_by``).
    """
    out = OrderedDict()
    for group, members in group_by(rows, *by).items():
        columns = {"x": [], "mean": [], "low": [], "high": [], "n": []}
        for xv, at_x in group_by(members, x).items():
            mean, low, high = mean_ci(values(at_x), level=level)
            columns["x"].append(xv)
            columns["mean"].append(mean)
            columns["low"].append(low)
            columns["high"].append(high)
            columns["n"].append(len(at_x))
        out[group] = {k: np.array(v, dtype=float) for k, v in columns.items()}
    return out
def paired_table(rows, metric, a, b, wheres, labels, horizon_key="T", method_key="learner"):
    """Markdown table of method a minus method b on ``metric`` for each
    cell selection in ``wheres`` (dicts of column values; ``labels`` name
    them): the paired difference with its 95% CI, and the widths of the
    paired and of the unpaired (Welch) interval on the same replicates.
    Returns (table text, [(label, paired width, unpaired width)])."""
    body, widths = [], []
    for where, label in zip(wheres, labels):
        result = paired_comparison(rows, metric, a, b, where, horizon_key=horizon_key,
                                   method_key=method_key)
        if result is None:
            continue
        p, u = result["paired"], result["unpaired"]
        widths.append((label, p["width"], u["width"]))
        body.append([label, result["pairs"], fmt_ci(p["mean"], p["low"], p["high"], 1),
                     fmt(p["width"]), fmt(u["width"]),
                     fmt(u["width"] / p["width"]) if p["width"] > 0 else "∞"])
    if not body:
        return "", widths
    return markdown_table(["cells", "pairs", "a − b, paired [95% CI]", "paired CI width",
                           "unpaired CI width", "unpaired / paired"], body, "lrrrrr"), widths


class Curve:
    """One metric's final values (step == T) for one group of cells: x
    values by replicate, with the replicates present at every x."""

    def __init__(self, per_x):
        # per_x: {x: {replicate: value}}
        self.xs = np.array(sorted(per_x), dtype=float)
        common_reps = set.intersection(*(set(per_x[x]) for x in per_x)) if per_x else set()
        self.reps = sorted(common_reps)
        self.table = np.array([[per_x[x][r] for r in self.reps]
                               for x in sorted(per_x)], dtype=float).reshape(len(per_x), -1)
        self.per_x = per_x

    def means(self):
        """(xs, mean, low, high) arrays, t-intervals over every replicate
        stored at each x."""
        stats = [mean_ci(list(self.per_x[x].values())) for x in sorted(self.per_x)]
        return (self.xs, np.array([s[0] for s in stats]),
                np.array([s[1] for s in stats]), np.array([s[2] for s in stats]))

    def at(self, x):
        """{replicate: value} at x."""
        return self.per_x[x]

    def slope(self, keep_x=None, level=LEVEL):
        """slope_fit over the x values in keep_x (all when None)."""
        mask = np.array([keep_x is None or x in keep_x for x in sorted(self.per_x)], dtype=bool)
        return slope_fit(self.xs[mask], self.table[mask], level)


def curves(rows, metric, keys, x, horizon_key="T"):
    """{key tuple: Curve} of ``metric`` at the last step of each cell
    (step == row[horizon_key]), grouped by ``keys``, along column ``x``."""
    per = OrderedDict()
    for r in rows:
        if r["metric"] != metric or r["step"] != r[horizon_key]:
            continue
        key = tuple(r[k] for k in keys)
        per.setdefault(key, {}).setdefault(r[x], {})[r["replicate"]] = r["value"]
    return OrderedDict((k, Curve(v)) for k, v in per.items())


class Prediction:
    """Theory's slope for a group of cells, from the experiments'
    theory.slope and theory.fit rows: ``slope`` (None when the cells record
    none, or record different values) and ``fit_xs``, the x values of cells
    inside the predicted regime."""

    def __init__(self, slope, fit_xs):
        self.slope, self.fit_xs = slope, fit_xs


def predictions(rows, keys, x, horizon_key="T"):
    """{key tuple: Prediction} from theory.slope / theory.fit rows."""
    slopes, fits = {}, {}
    for r in rows:
        if r["step"] != r[horizon_key] or r["metric"] not in ("theory.slope", "theory.fit"):
            continue
        key = tuple(r[k] for k in keys)
        if r["metric"] == "theory.slope":
            slopes.setdefault(key, set()).add(r["value"])
        elif r["value"] > 0.5:
            fits.setdefault(key, set()).add(r[x])
    out = {}
    for key, values_seen in slopes.items():
        slope = next(iter(values_seen)) if len(values_seen) == 1 else None
        out[key] = Prediction(slope, fits.get(key, set()))
    return out


def slope_against_theory(curve, prediction, level=LEVEL):
    """(fit, verdict, fitted x values) of a curve against its prediction
    (None: no prediction, every x fitted)."""
    if prediction is None or prediction.slope is None:
        fit = curve.slope(level=level)
        return fit, verdict(fit, None), list(curve.xs)
    fitted = [x for x in curve.xs if x in prediction.fit_xs]
    fit = curve.slope(keep_x=set(fitted), level=level)
    return fit, verdict(fit, prediction.slope), fitted


def paired_comparison(rows, metric, a, b, where, x_key="T", horizon_key="T",
                      method_key="learner", level=LEVEL):
    """Method a minus method b on ``metric`` at step == T, for the cells
    matching ``where`` (a dict of column values) at each replicate.

    Pairs replicates only where both methods met the same loss sequence
    (equal sequence_checksum rows: common random numbers); returns
    dict(paired, unpaired, pairs, unshared) with the paired and the
    unpaired (Welch) intervals on the same data, or None when fewer than
    two replicates pair up.
    """
    def per_rep(method, name):
        out = {}
        for r in rows:
            if (r[method_key] == method and r["metric"] == name
                    and r["step"] == r[horizon_key]
                    and all(r[k] == v for k, v in where.items())):
                out[r["replicate"]] = r["value"]
        return out
    va, vb = per_rep(a, metric), per_rep(b, metric)
    ca, cb = per_rep(a, "sequence_checksum"), per_rep(b, "sequence_checksum")
    reps = sorted(set(va) & set(vb))
    shared = [r for r in reps if r in ca and r in cb and ca[r] == cb[r]]
    if len(shared) < 2:
        return None
    xa = np.array([va[r] for r in shared])
    xb = np.array([vb[r] for r in shared])
    return dict(paired=paired_difference(xa, xb, level),
                unpaired=unpaired_difference(xa, xb, level),
                pairs=len(shared), unshared=len(reps) - len(shared))

