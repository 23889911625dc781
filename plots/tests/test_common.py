"""Tests of the statistics behind every figure and REPORT.md verdict
(plots/stats.py and curves.py, through common.py): slope fits, interval coverage, paired comparisons and the
verdict rule. Run: /usr/bin/python3 -m unittest discover -s plots/tests

Randomised tests use numpy generators with fixed seeds (printed on failure)
and state their binomial tolerance.
"""

import glob
import math
import os
import re
import sys
import unittest

import numpy as np

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import common  # noqa: E402

SEED = 20261124


def coverage_tolerance(draws, level=common.LEVEL):
    """4 binomial standard errors of an empirical coverage over `draws`
    independent intervals: a correct 95% interval falls outside with
    probability ~6e-5."""
    return 4 * math.sqrt(level * (1 - level) / draws)


def fit(slope, low, high):
    return dict(slope=slope, low=low, high=high)


class SlopeFitTest(unittest.TestCase):
    def test_exact_power_law(self):
        xs = 2.0 ** np.arange(8, 17, 2)
        for b in (-1.0, -0.5, 0.0, 0.5, 2.0 / 3.0, 1.0):
            table = np.outer(3.0 * xs ** b, np.ones(6))
            result = common.slope_fit(xs, table)
            self.assertAlmostEqual(result["slope"], b, places=12)
            # Identical replicates: no sampling noise, a zero-width interval.
            self.assertAlmostEqual(result["low"], b, places=12)
            self.assertAlmostEqual(result["high"], b, places=12)
            self.assertEqual(result["points"], 5)

    def test_noisy_power_law_recovers_slope(self):
        rng = np.random.default_rng(SEED)
        xs = 2.0 ** np.arange(4, 14)
        table = 5.0 * xs[:, None] ** 0.5 * np.exp(0.05 * rng.standard_normal((10, 50)))
        result = common.slope_fit(xs, table)
        self.assertLess(abs(result["slope"] - 0.5), 0.01, "seed %d" % SEED)
        self.assertLess(result["low"], 0.5)
        self.assertGreater(result["high"], 0.5)

    def test_non_positive_means_are_dropped(self):
        xs = np.array([1.0, 2.0, 4.0, 8.0])
        table = np.array([[-1.0, -2.0], [2.0, 2.0], [4.0, 4.0], [8.0, 8.0]])
        result = common.slope_fit(xs, table)
        self.assertEqual(result["dropped"], 1)
        self.assertAlmostEqual(result["slope"], 1.0)

    def test_too_little_data(self):
        self.assertTrue(math.isnan(common.slope_fit([4.0], [[1.0, 2.0]])["slope"]))
        one_rep = common.slope_fit([1.0, 2.0, 4.0], [[1.0], [2.0], [4.1]])
        self.assertTrue(math.isfinite(one_rep["slope"]))
        self.assertTrue(math.isnan(one_rep["low"]))

    def _coverage(self, shared):
        """Coverage of the slope CI of log E[y] on log x, with y = x^b e^noise
        (lognormal, so E[y] is exactly proportional to x^b)."""
        rng = np.random.default_rng(SEED + shared)
        xs = 2.0 ** np.arange(8, 17, 2)
        b, sigma, reps, draws = 0.5, 0.3, 8, 2000
        covered = 0
        for _ in range(draws):
            if shared:
                # A replicate effect common to every x (the same sequence
                # behind every point): points of a curve are correlated.
                noise = 0.8 * rng.standard_normal((1, reps)) + 0.6 * rng.standard_normal((5, reps))
            else:
                noise = rng.standard_normal((5, reps))
            table = 7.0 * xs[:, None] ** b * np.exp(sigma * noise)
            result = common.slope_fit(xs, table)
            covered += result["low"] <= b <= result["high"]
        return covered / draws, coverage_tolerance(draws)

    def test_ci_coverage_independent_points(self):
        coverage, tolerance = self._coverage(shared=False)
        self.assertLess(abs(coverage - 0.95), tolerance,
                        "coverage %.4f, seed %d" % (coverage, SEED))

    def test_ci_coverage_correlated_points(self):
        coverage, tolerance = self._coverage(shared=True)
        self.assertLess(abs(coverage - 0.95), tolerance,
                        "coverage %.4f, seed %d" % (coverage, SEED + 1))


class MeanAndDifferenceTest(unittest.TestCase):
    def test_mean_ci_is_the_t_interval(self):
        data = [1.0, 2.0, 4.0, 7.0]
        mean, low, high = common.mean_ci(data)
        half = common.student_t_quantile(0.975, 3) * np.std(data, ddof=1) / 2
        self.assertAlmostEqual(mean, 3.5)
        self.assertAlmostEqual(high - mean, half)
        self.assertAlmostEqual(mean - low, half)
        self.assertEqual(common.mean_ci([2.0]), (2.0, 2.0, 2.0))

    def test_student_t_quantile(self):
        # Tables: t(0.975; 1) = 12.706, t(0.975; 7) = 2.365, t(0.975; 30) = 2.042.
        self.assertAlmostEqual(common.student_t_quantile(0.975, 1), 12.7062, places=3)
        self.assertAlmostEqual(common.student_t_quantile(0.975, 7), 2.3646, places=3)
        self.assertAlmostEqual(common.student_t_quantile(0.975, 30), 2.0423, places=3)

    def test_paired_difference_coverage_and_width(self):
        rng = np.random.default_rng(SEED + 2)
        reps, draws, delta = 6, 2000, 1.5
        covered, narrower = 0, 0
        for _ in range(draws):
            common_noise = 10.0 * rng.standard_normal(reps)  # the shared data
            a = delta + common_noise + rng.standard_normal(reps)
            b = common_noise + rng.standard_normal(reps)
            paired = common.paired_difference(a, b)
            unpaired = common.unpaired_difference(a, b)
            covered += paired["low"] <= delta <= paired["high"]
            narrower += paired["width"] < unpaired["width"]
        coverage = covered / draws
        self.assertLess(abs(coverage - 0.95), coverage_tolerance(draws),
                        "coverage %.4f, seed %d" % (coverage, SEED + 2))
        self.assertEqual(narrower, draws)

    def test_unpaired_difference_is_welch(self):
        a, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0, 8.0])
        result = common.unpaired_difference(a, b)
        va, vb = 1.0 / 3, (20.0 / 3) / 4
        df = (va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 3)
        half = common.student_t_quantile(0.975, df) * math.sqrt(va + vb)
        self.assertAlmostEqual(result["mean"], -3.0)
        self.assertAlmostEqual(result["width"], 2 * half)


class VerdictTest(unittest.TestCase):
    def test_rule(self):
        tol = common.SLOPE_TOLERANCE
        self.assertEqual(common.verdict(fit(0.5, 0.45, 0.55), 0.5), "agrees")
        self.assertEqual(common.verdict(fit(0.5, 0.5 - tol, 0.5 + tol), 0.5), "agrees")
        # Estimate inside the band but the CI reaches beyond it.
        self.assertEqual(common.verdict(fit(0.52, 0.35, 0.69), 0.5), "consistent")
        self.assertEqual(common.verdict(fit(0.41, 0.38, 0.44), 0.5), "consistent")
        # Estimate outside, CI crossing the band's edge.
        self.assertEqual(common.verdict(fit(0.65, 0.55, 0.75), 0.5), "inconclusive")
        self.assertEqual(common.verdict(fit(0.39, 0.35, 0.42), 0.5), "inconclusive")
        self.assertEqual(common.verdict(fit(0.8, 0.7, 0.9), 0.5), "DISAGREES")
        self.assertEqual(common.verdict(fit(0.2, 0.1, 0.3), 0.5), "DISAGREES")
        self.assertEqual(common.verdict(fit(0.5, math.nan, math.nan), 0.5), "no CI")
        # The same rule for any estimate with an interval.
        self.assertEqual(common.interval_verdict(0.05, -0.1, 0.12, 0.0, 0.15), "agrees")
        self.assertEqual(common.interval_verdict(0.3, 0.2, 0.4, 0.0, 0.15), "DISAGREES")
        self.assertEqual(common.verdict(fit(math.nan, math.nan, math.nan), 0.5), "no fit")
        self.assertEqual(common.verdict(fit(0.5, 0.4, 0.6), None), "no prediction")

    def test_sign_rule(self):
        self.assertEqual(common.sign_verdict(0.1, 0.3, 1), "agrees")
        self.assertEqual(common.sign_verdict(0.1, 0.3, -1), "DISAGREES")
        self.assertEqual(common.sign_verdict(-0.3, -0.1, -1), "agrees")
        self.assertEqual(common.sign_verdict(-0.1, 0.2, 1), "inconclusive")
        self.assertEqual(common.sign_verdict(0.0, 0.2, 1), "inconclusive")
        self.assertEqual(common.sign_verdict(math.nan, 0.2, 1), "no CI")

    def test_one_tolerance(self):
        # The tolerance and the verdict rule live in stats.py only.
        for path in glob.glob(os.path.join(os.path.dirname(HERE), "*.py")):
            if os.path.basename(path) == "stats.py":
                continue
            with open(path) as f:
                text = f.read()
            self.assertIsNone(re.search(r"^\s*\w*TOLERANCE\s*=", text, re.M), path)
            self.assertIsNone(re.search(r"^def (verdict|slope_ci|_verdict)\(", text, re.M), path)


def rows_for(values, slope=None, fit_from=None, learner="a", checksums=None):
    """Synthetic exported rows: values[T][replicate] of metric 'regret', with
    the experiment's theory rows."""
    rows = []
    for t, per_rep in values.items():
        for rep, v in enumerate(per_rep):
            base = dict(experiment="e", learner=learner, T=t, replicate=rep, step=t)
            rows.append(dict(base, metric="regret", value=v))
            if slope is not None:
                rows.append(dict(base, metric="theory.slope", value=slope))
                rows.append(dict(base, metric="theory.fit",
                                 value=1.0 if fit_from is None or t >= fit_from else 0.0))
            if checksums is not None:
                rows.append(dict(base, metric="sequence_checksum", value=checksums[rep]))
    return rows


class PipelineTest(unittest.TestCase):
    def test_predictions_select_the_fitted_range(self):
        # Flat below T = 64 (a search phase), slope 1 from there on.
        values = {t: [max(t, 64.0) * f for f in (0.9, 1.0, 1.1)] for t in (16, 32, 64, 128, 256)}
        rows = rows_for(values, slope=1.0, fit_from=64)
        curve = common.curves(rows, "regret", ("learner",), "T")[("a",)]
        prediction = common.predictions(rows, ("learner",), "T")[("a",)]
        result, verdict, fitted = common.slope_against_theory(curve, prediction)
        self.assertEqual(fitted, [64, 128, 256])
        self.assertAlmostEqual(result["slope"], 1.0)
        self.assertEqual(verdict, "agrees")
        # Without theory rows there is no verdict.
        bare = common.curves(rows_for(values), "regret", ("learner",), "T")[("a",)]
        self.assertEqual(common.slope_against_theory(bare, None)[1], "no prediction")

    def test_paired_comparison_needs_shared_data(self):
        rng = np.random.default_rng(SEED + 3)
        shared = 100 * rng.standard_normal(8)
        a = {1: list(shared + 5 + rng.standard_normal(8))}
        b = {1: list(shared + rng.standard_normal(8))}
        same = list(range(8))
        rows = (rows_for(a, learner="a", checksums=same)
                + rows_for(b, learner="b", checksums=same))
        result = common.paired_comparison(rows, "regret", "a", "b", {})
        self.assertEqual(result["pairs"], 8)
        self.assertLess(result["paired"]["width"], 0.2 * result["unpaired"]["width"])
        self.assertLess(abs(result["paired"]["mean"] - 5), 1.5)
        table, widths = common.paired_table(rows, "regret", "a", "b", [{}], ["all"])
        self.assertIn("| all | 8 |", table)
        self.assertEqual(widths[0][1], result["paired"]["width"])
        # Different sequences (an adaptive adversary): nothing to pair.
        rows = (rows_for(a, learner="a", checksums=same)
                + rows_for(b, learner="b", checksums=[c + 100 for c in same]))
        self.assertIsNone(common.paired_comparison(rows, "regret", "a", "b", {}))


if __name__ == "__main__":
    unittest.main()
