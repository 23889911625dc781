"""Shared helpers for expertlab's figure scripts and report.

Every ``plots/fig_<experiment>.py`` imports this module. It reads the tidy CSV
the engine exports (``experiment,<params...>,replicate,step,metric,value``),
selects and groups rows, summarises replicates (means, log-log slopes, paired
differences, each with a jackknife-t 95% interval over replicates; see
"statistics"), judges slopes against the predictions the experiments record
(theory.slope and theory.fit rows) with one tolerance rule, sets up axes in
the house style and saves figures as PNG + PDF. It never simulates: theory
curves and predictions come from metric rows the experiments emit.

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
#
# One method for every interval, slope and verdict in the figures and the
# report (tested by plots/tests/test_common.py):
#   - a curve's point at x is the mean over replicates;
#   - its log-log slope is the least-squares slope of log(mean) on log x;
#   - every interval (of a mean, a slope, a paired difference) is a
#     jackknife over replicates with a Student-t quantile on R - 1 degrees of
#     freedom (R replicates).
# Why. Replicates are the independent units (each has its own seed-keyed
# streams); the points of one curve need not be: under common random numbers
# a key that does not define the data (S in low_mistake) puts the same loss
# sequence behind every point of a replicate. Leaving one replicate out at
# every x at once keeps that dependence, where an OLS t-interval from the
# residuals around the line assumes independent points (and counts the
# curve's bend as noise), and a bootstrap within each x breaks the pairing.
# For a mean the jackknife is exactly the t-interval, for a paired
# difference exactly the paired t-interval; it needs no random resampling,
# so a CSV always gives the same intervals, and with R - 1 degrees of
# freedom it keeps its coverage at the 4-24 replicates of quick configs
# (95% in the tests' synthetic power laws at 8 replicates, where a
# percentile bootstrap covered ~91%). It does not measure model error:
# a curve that bends inside the fitted range has a well-measured secant
# slope. The fitted range (the experiments' theory.fit rows) and
# SLOPE_TOLERANCE absorb pre-asymptotic bends, constants and log factors.

LEVEL = 0.95

# The one tolerance of every slope verdict: a measured log-log slope agrees
# with theory when its whole 95% CI lies within ±SLOPE_TOLERANCE of the
# prediction. 0.1 separates the rates these studies compare (1/2, 2/3, 1 in
# T; -1/2, -1 in S) and covers the bend a log factor puts into a quick
# grid's 1.5-3 decades (log S over S = 2^3..2^9 moves a slope by ~0.1).
SLOPE_TOLERANCE = 0.1


def mean_ci(data, level=LEVEL):
    """(mean, low, high): Student-t interval of the mean (the jackknife of
    the mean). NaNs are dropped; one value gives a zero-width interval and
    none gives NaNs."""
    x = np.asarray(data, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if x.size == 1:
        return (mean, mean, mean)
    half = (student_t_quantile(0.5 + level / 2.0, x.size - 1)
            * float(x.std(ddof=1)) / math.sqrt(x.size))
    return (mean, mean - half, mean + half)


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


def jackknife(statistic, table, level=LEVEL):
    """Estimate and jackknife-t interval of ``statistic`` over replicates.

    ``table`` is an array whose last axis runs over replicates (e.g. x by
    replicate); ``statistic(table)`` returns a number. Each replicate is
    left out in turn (at every x at once), the statistic recomputed, and
    se^2 = (R - 1)/R * sum (theta_i - mean theta)^2; the interval is
    estimate ± t(R - 1) se. Returns dict(estimate, low, high, se, reps);
    low/high are NaN with fewer than 2 replicates or when a leave-one-out
    statistic is undefined (NaN).
    """
    table = np.asarray(table, dtype=float)
    reps = table.shape[-1]
    estimate = float(statistic(table))
    out = dict(estimate=estimate, low=math.nan, high=math.nan, se=math.nan,
               reps=reps)
    if reps < 2 or not math.isfinite(estimate):
        return out
    leave_out = np.array([statistic(np.delete(table, r, axis=-1))
                          for r in range(reps)], dtype=float)
    if not np.all(np.isfinite(leave_out)):
        return out
    se = math.sqrt((reps - 1) / reps
                   * float(((leave_out - leave_out.mean()) ** 2).sum()))
    half = student_t_quantile(0.5 + level / 2.0, reps - 1) * se
    out.update(low=estimate - half, high=estimate + half, se=se)
    return out


def _loglog_slope_of_means(log_x):
    """statistic(table): OLS slope of log(mean over replicates) on log_x;
    NaN when a mean is not positive."""
    centred = log_x - log_x.mean()
    sxx = float((centred ** 2).sum())

    def statistic(table):
        means = table.mean(axis=-1)
        if np.any(means <= 0):
            return math.nan
        return float((centred * np.log(means)).sum() / sxx)
    return statistic


def slope_fit(xs, table, level=LEVEL):
    """Log-log slope of a curve: least squares of log(mean) on log x, with
    a jackknife-t interval over replicates.

    ``xs``: the x values (> 0); ``table``: x by replicate (the same
    replicates at every x). Points whose mean is not positive cannot be
    placed on log axes and are left out (``dropped``). Returns dict(slope,
    low, high, se, points, reps, dropped); NaN slope with fewer than two
    usable points.
    """
    xs = np.asarray(xs, dtype=float)
    table = np.asarray(table, dtype=float).reshape(len(xs), -1)
    keep = (xs > 0) & (table.mean(axis=1) > 0) if table.size else xs > 0
    result = dict(slope=math.nan, low=math.nan, high=math.nan, se=math.nan,
                  points=int(keep.sum()), reps=table.shape[1],
                  dropped=int(xs.size - keep.sum()))
    if keep.sum() < 2 or np.ptp(xs[keep]) == 0 or table.shape[1] == 0:
        return result
    fit = jackknife(_loglog_slope_of_means(np.log(xs[keep])), table[keep],
                    level)
    result.update(slope=fit["estimate"], low=fit["low"], high=fit["high"],
                  se=fit["se"])
    return result


# Differences of average regret R/T between curves that theory says
# coincide (e.g. a collapse in S/sqrt(n)): about the 95% CI width of one
# point of such a curve on a quick grid.
RATE_TOLERANCE = 0.15


def interval_verdict(estimate, low, high, expected, tolerance):
    """The one rule of every verdict, on an estimate and its 95% interval
    [low, high] against the band expected ± tolerance:
      'agrees'        the whole interval lies within the band;
      'consistent'    the estimate lies within the band, the interval
                      crosses an edge (no significant claim either way);
      'inconclusive'  the estimate lies outside, the interval reaches the
                      band (more replicates or a wider range would decide);
      'DISAGREES'     the whole interval lies outside the band;
    'no CI' when the interval is unknown."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "no CI"
    if expected - tolerance <= low and high <= expected + tolerance:
        return "agrees"
    if high < expected - tolerance or low > expected + tolerance:
        return "DISAGREES"
    if abs(estimate - expected) <= tolerance:
        return "consistent"
    return "inconclusive"


def verdict(fit, expected, tolerance=SLOPE_TOLERANCE):
    """A slope fit against theory's prediction by interval_verdict with
    SLOPE_TOLERANCE; 'no prediction' without one, 'no fit' with fewer than
    two points, 'no CI' with one replicate."""
    if expected is None:
        return "no prediction"
    if not math.isfinite(fit["slope"]):
        return "no fit"
    return interval_verdict(fit["slope"], fit["low"], fit["high"], expected, tolerance)


VERDICT_RULE = ("Verdicts: *agrees* when the slope's whole 95%% CI lies within "
                "±%.1f of the prediction, *DISAGREES* when it lies wholly "
                "outside that band; when the CI crosses an edge, *consistent* "
                "if the estimate is inside the band and *inconclusive* if "
                "not. Slopes are least squares of log(mean over replicates) "
                "on log x; CIs are jackknife-t over replicates (R − 1 degrees "
                "of freedom)." % SLOPE_TOLERANCE)


def paired_difference(a, b, level=LEVEL):
    """Mean of a - b over replicates paired by index, with its paired
    t-interval (the jackknife of the mean difference). Returns dict(mean,
    low, high, width)."""
    fit = jackknife(lambda t: float(t.mean()),
                    np.asarray(a, dtype=float) - np.asarray(b, dtype=float),
                    level)
    return dict(mean=fit["estimate"], low=fit["low"], high=fit["high"],
                width=fit["high"] - fit["low"])


def unpaired_difference(a, b, level=LEVEL):
    """Mean of a minus mean of b, treating the samples as independent:
    Welch's t-interval (Welch-Satterthwaite degrees of freedom). Returns
    dict(mean, low, high, width)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    mean = float(a.mean() - b.mean())
    se = math.sqrt(va + vb)
    if se == 0:
        return dict(mean=mean, low=mean, high=mean, width=0.0)
    df = (va + vb) ** 2 / (va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1))
    half = student_t_quantile(0.5 + level / 2.0, df) * se
    return dict(mean=mean, low=mean - half, high=mean + half, width=2 * half)


# ---------------------------------------------------------------- curves

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
