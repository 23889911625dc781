"""Shared helpers for expertlab's figure scripts and report.

Every ``plots/fig_<experiment>.py`` imports this module. It reads the tidy CSV
the engine exports (``experiment,<params...>,replicate,step,metric,value``),
selects and groups rows, summarises replicates (mean with a bootstrap 95%
confidence interval, seeded so figures and tables are reproducible), fits
log-log slopes by least squares with a Student-t interval, sets up axes in the
house style and saves figures as PNG + PDF. It never simulates: theory curves
come from metric rows the experiments emit.

Only the standard library, numpy and matplotlib (Debian's /usr/bin/python3).
"""

import csv
import math
import os
import re
from collections import OrderedDict
from statistics import NormalDist

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
STYLE = os.path.join(HERE, "style.mplstyle")

# Columns every exported CSV has besides the experiment's parameters.
FIXED_COLUMNS = ("experiment", "replicate", "step", "metric", "value")

# Seed of every bootstrap: the same CSV always gives the same intervals.
BOOTSTRAP_SEED = 20261124
BOOTSTRAP_RESAMPLES = 2000

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


def parse_spec(spec):
    """Algorithm spec string -> (name, {key: value text}):
    'hedge(schedule=fixed, eta=auto)' -> ('hedge', {'schedule': 'fixed', 'eta': 'auto'})."""
    match = re.match(r"^\s*([A-Za-z0-9_]+)\s*(?:\((.*)\))?\s*$", str(spec))
    if not match:
        return str(spec), {}
    args = {}
    for part in (match.group(2) or "").split(","):
        if "=" in part:
            key, value = part.split("=", 1)
            args[key.strip()] = value.strip()
    return match.group(1), args


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
    """The experiment's parameter column names, in CSV order."""
    if not rows:
        return []
    return [k for k in rows[0] if k not in FIXED_COLUMNS]


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


def _sort_key(value):
    # Numbers before strings, each in natural order.
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def unique(rows, key):
    """Distinct values of a column, numbers sorted numerically."""
    return sorted({r[key] for r in rows}, key=_sort_key)


def group_by(rows, *keys):
    """OrderedDict {(v1, v2, ...): [rows]} in sorted key order.

    With one key the dict keys are plain values, not 1-tuples.
    """
    groups = {}
    for r in rows:
        k = tuple(r[key] for key in keys)
        groups.setdefault(k, []).append(r)
    ordered = OrderedDict()
    for k in sorted(groups, key=lambda t: tuple(_sort_key(v) for v in t)):
        ordered[k[0] if len(keys) == 1 else k] = groups[k]
    return ordered


def values(rows):
    """numpy array of the rows' values."""
    return np.array([r["value"] for r in rows], dtype=float)


# ---------------------------------------------------------------- statistics

def mean_ci(data, level=0.95, resamples=BOOTSTRAP_RESAMPLES,
            seed=BOOTSTRAP_SEED):
    """(mean, low, high): percentile-bootstrap CI of the mean.

    NaNs are dropped. One value gives a zero-width interval; none gives NaNs.
    The RNG is seeded, so the interval is a function of the data alone.
    """
    x = np.asarray(data, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if x.size == 1 or np.all(x == x[0]):
        return (mean, mean, mean)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, x.size, size=(resamples, x.size))
    means = x[idx].mean(axis=1)
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(means, [alpha, 1.0 - alpha])
    return (mean, float(low), float(high))


def summarize(rows, by, x="step", level=0.95):
    """Mean and bootstrap CI over replicates for each group and x value.

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


def _betacf(a, b, x):
    # Continued fraction for the regularised incomplete beta (modified Lentz).
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        for num in (m * (b - m) * x / ((a + m2 - 1) * (a + m2)),
                    -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def _betainc(a, b, x):
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def student_t_cdf(t, df):
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def student_t_quantile(p, df):
    """Inverse CDF of Student's t (bisection; exact to ~1e-12)."""
    if df <= 0:
        return math.nan
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -student_t_quantile(1.0 - p, df)
    low, high = 0.0, max(1.0, NormalDist().inv_cdf(p))
    while student_t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        if student_t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return 0.5 * (low + high)


def ols_fit(x, y, level=0.95):
    """Least squares y = intercept + slope x with a Student-t CI on the slope.

    Returns dict(slope, intercept, low, high, stderr, points). With two points
    the slope is exact and the interval is NaN; with fewer, everything is NaN.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    n = int(x.size)
    nan = dict(slope=math.nan, intercept=math.nan, low=math.nan,
               high=math.nan, stderr=math.nan, points=n)
    if n < 2 or np.ptp(x) == 0:
        return nan
    xm, ym = x.mean(), y.mean()
    sxx = float(((x - xm) ** 2).sum())
    slope = float(((x - xm) * (y - ym)).sum() / sxx)
    intercept = float(ym - slope * xm)
    result = dict(slope=slope, intercept=intercept, low=math.nan,
                  high=math.nan, stderr=math.nan, points=n)
    if n > 2:
        residual = y - intercept - slope * x
        stderr = math.sqrt(float((residual ** 2).sum()) / (n - 2) / sxx)
        half = student_t_quantile(0.5 + level / 2.0, n - 2) * stderr
        result.update(low=slope - half, high=slope + half, stderr=stderr)
    return result


def loglog_slope(x, y, level=0.95):
    """OLS fit of log y against log x (natural logs; slope is base-free).

    Points with x <= 0 or y <= 0 cannot be placed on log axes and are dropped;
    ``points`` in the result says how many were used.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = (x > 0) & (y > 0) & np.isfinite(x) & np.isfinite(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = ols_fit(np.log(x[keep]), np.log(y[keep]), level=level)
    fit["dropped"] = int(x.size - keep.sum())
    return fit


# ---------------------------------------------------------------- figures

def use_style():
    """Applies plots/style.mplstyle and the non-interactive Agg backend."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.style.use(STYLE)
    return plt


def setup_loglog(ax, xlabel=None, ylabel=None, base=2, minor_grid=False):
    """Log-log axes with base-``base`` x ticks (y in decades)."""
    from matplotlib.ticker import LogLocator
    ax.set_xscale("log", base=base)
    ax.set_yscale("log", nonpositive="mask")
    ax.xaxis.set_major_locator(LogLocator(base=base))
    ax.grid(True, which="major")
    if minor_grid:
        ax.grid(True, which="minor", alpha=0.25, linewidth=0.4)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


def band(ax, x, low, high, color, alpha=0.18):
    """Shaded CI band; points with a non-positive edge are left out on log y."""
    x, low, high = (np.asarray(a, dtype=float) for a in (x, low, high))
    if ax.get_yscale() == "log":
        ok = (low > 0) & (high > 0)
        low, high = np.where(ok, low, np.nan), np.where(ok, high, np.nan)
    ax.fill_between(x, low, high, color=color, alpha=alpha, linewidth=0)


def save_figure(fig, figures_dir, name):
    """Writes <figures_dir>/<name>.png and .pdf; returns the PNG path."""
    import matplotlib.pyplot as plt
    os.makedirs(figures_dir, exist_ok=True)
    png = os.path.join(figures_dir, name + ".png")
    fig.savefig(png)
    fig.savefig(os.path.join(figures_dir, name + ".pdf"))
    plt.close(fig)
    return png


# ---------------------------------------------------------------- tables

def fmt(value, digits=3):
    """Compact number for tables: 3 significant digits, NaN as 'n/a'."""
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if not math.isfinite(value):
        return "n/a" if math.isnan(value) else ("∞" if value > 0 else "−∞")
    if value != 0 and (abs(value) >= 10 ** 5 or abs(value) < 10 ** -3):
        return "%.*e" % (max(digits - 1, 0), value)
    return "%.*g" % (digits, value)


def fmt_ci(value, low, high, digits=2):
    """'0.51 [0.47, 0.55]' with fixed decimals; no interval when unknown."""
    if not math.isfinite(value):
        return "n/a"
    text = "%.*f" % (digits, value)
    if math.isfinite(low) and math.isfinite(high):
        text += " [%.*f, %.*f]" % (digits, low, digits, high)
    return text


def markdown_table(headers, body, align=None):
    """GitHub markdown table. ``align``: string of 'l'/'r'/'c' per column."""
    def cell(v):
        text = v if isinstance(v, str) else fmt(v)
        return text.replace("|", "\\|").replace("\n", " ")
    align = align or "l" * len(headers)
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |",
             "| " + " | ".join(marks[a] for a in align) + " |"]
    for row in body:
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"
