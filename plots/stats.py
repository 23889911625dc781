"""The statistics behind every figure and REPORT.md verdict: means with
t-intervals, log-log slopes with jackknife intervals over replicates,
paired and unpaired differences, and the one verdict rule.

Only the standard library and numpy (Debian's /usr/bin/python3).
"""

import math
from statistics import NormalDist

import numpy as np

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
    if xs.size == 0:  # no point inside the fitted range
        return dict(slope=math.nan, low=math.nan, high=math.nan, se=math.nan,
                    points=0, reps=0, dropped=0)
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

# A learner's mean-regret as a share of the no-learning delta T
# (regret_vs_memory at a fixed gap): a share within this of 1 is "pays
# about delta T", i.e. the learner behaves as if it never held i*.
NO_LEARNING_TOLERANCE = 0.2

# The offload simulator's stall per token against the real engine's on the
# same trace (offload_validation): the simulator charges every load the
# mean measured cost and hand-off, while the host's loads vary with the page
# cache and the scheduler, so relative gaps up to this are agreement.
SIMULATOR_STALL_TOLERANCE = 0.25


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


def sign_verdict(low, high, sign):
    """A directional claim about a difference (sign > 0: it is positive,
    sign < 0: negative) against its 95% interval: 'agrees' when the whole
    interval lies on the claimed side of 0, 'DISAGREES' when it lies wholly
    on the other, 'inconclusive' when it covers 0, 'no CI' without one."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "no CI"
    if (low > 0) if sign > 0 else (high < 0):
        return "agrees"
    if (high < 0) if sign > 0 else (low > 0):
        return "DISAGREES"
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

