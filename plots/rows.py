"""Reading the tidy CSV the engine exports
(``experiment,<params...>,<attributes...>,replicate,step,metric,value``):
loading, selecting rows, grouping them, and the columns a figure must group
by (every parameter column that varies, never a fixed list).

Only the standard library and numpy (Debian's /usr/bin/python3).
"""

import csv
import re
from collections import OrderedDict

import numpy as np

import names

# Columns every exported CSV has besides the experiment's parameters.
FIXED_COLUMNS = ("experiment", "replicate", "step", "metric", "value")

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


# ---------------------------------------------------------------- loading

def parse_scalar(text):
    """'64' -> 64, '0.5' -> 0.5, anything else (specs, names) stays a str."""
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def load_rows(csv_path):
    """Reads an exported CSV into a list of dicts.

    ``replicate`` and ``step`` become int, ``value`` float ('nan' and 'inf'
    included); parameter columns become int or float when they look numeric
    and stay strings otherwise (e.g. "hedge(schedule=fixed)").
    """
    rows = []
    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in FIXED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError("%s: not an expertlab CSV (missing columns %s)"
                             % (csv_path, ", ".join(missing)))
        for raw in reader:
            row = {}
            for key, text in raw.items():
                if key == "value":
                    row[key] = float(text)
                elif key in ("replicate", "step"):
                    row[key] = int(text)
                elif key in ("experiment", "metric"):
                    row[key] = text
                else:
                    row[key] = parse_scalar(text)
            rows.append(row)
    return rows


def param_columns(rows):
    """The experiment's parameter columns, in CSV order: those the registry
    declares for it (names.parameters), else every column that is not a
    fixed one (then text attributes such as isa or host count too)."""
    if not rows:
        return []
    declared = names.parameters(rows[0]["experiment"])
    return [k for k in rows[0] if k not in FIXED_COLUMNS
            and (declared is None or k in declared)]


def extra_keys(rows, used):
    """Parameter columns that take more than one value in ``rows`` but are
    not in ``used`` (the columns a figure splits by or puts on an axis), in
    CSV order. A figure adds them to its panels, so cells that differ in a
    parameter it was not designed around are never pooled into one curve."""
    return [k for k in param_columns(rows)
            if k not in used and len({r[k] for r in rows}) > 1]


def describe_keys(keys, values):
    """'k1 = v1, k2 = v2' for panel titles and table labels ('' for none)."""
    return ", ".join("%s = %s" % (k, v) for k, v in zip(keys, values))


# ---------------------------------------------------------------- selecting

def _matches(value, wanted):
    if callable(wanted):
        return bool(wanted(value))
    if isinstance(wanted, (list, tuple, set, frozenset)):
        return value in wanted
    return value == wanted


def select(rows, **criteria):
    """Rows whose columns match every criterion.

    A criterion is a value, a collection of accepted values, or a predicate:
    ``select(rows, metric="regret", n=(2, 16), T=lambda t: t >= 1024)``.
    """
    return [r for r in rows
            if all(_matches(r[k], w) for k, w in criteria.items())]


def final_rows(rows, horizon_key="T"):
    """Rows at the last checkpoint of their cell: step == row[horizon_key]."""
    return [r for r in rows if r["step"] == r[horizon_key]]


def sort_key(value):
    # Numbers before strings, each in natural order.
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def unique(rows, key):
    """Distinct values of a column, numbers sorted numerically."""
    return sorted({r[key] for r in rows}, key=sort_key)


def group_by(rows, *keys):
    """OrderedDict {(v1, v2, ...): [rows]} in sorted key order.

    With one key the dict keys are plain values, not 1-tuples.
    """
    groups = {}
    for r in rows:
        k = tuple(r[key] for key in keys)
        groups.setdefault(k, []).append(r)
    ordered = OrderedDict()
    for k in sorted(groups, key=lambda t: tuple(sort_key(v) for v in t)):
        ordered[k[0] if len(keys) == 1 else k] = groups[k]
    return ordered


def values(rows):
    """numpy array of the rows' values."""
    return np.array([r["value"] for r in rows], dtype=float)

