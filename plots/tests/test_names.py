"""Tests of what lets a figure show an algorithm or a parameter it was not
designed around (plots/names.py, rows.extra_keys, figures.figure_content).
Run: /usr/bin/python3 -m unittest discover -s plots/tests
"""

import json
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
os.environ.pop("EXPERTLAB_BINARY", None)  # the fallbacks, without a binary

import common  # noqa: E402
import fig_hedge_regret  # noqa: E402


def hedge_rows(learners, per_octaves=(2,)):
    """Final rows of hedge_regret-shaped cells: two horizons, two replicates."""
    rows = []
    for learner in learners:
        for per_octave in per_octaves:
            for t in (256, 1024):
                for rep in (0, 1):
                    for metric, value in (("regret", t ** 0.5 + rep),
                                          ("pseudo_regret", t ** 0.5),
                                          ("bound", 2 * t ** 0.5)):
                        rows.append(dict(experiment="hedge_regret", learner=learner,
                                         instance="ftl_trap", n=4, T=t,
                                         per_octave=per_octave, replicate=rep, step=t,
                                         metric=metric, value=float(value)))
    return rows


class NamesTest(unittest.TestCase):
    def test_labels_fall_back_to_the_spec(self):
        self.assertEqual(common.label("uniform(support=2)"), "uniform(support=2)")
        self.assertEqual(common.label("hedge(eta=1)", {"hedge": "Hedge"}), "Hedge [eta=1]")
        self.assertIsNone(common.family_of(["hedge"]))  # no binary: no registry
        self.assertIsNone(common.describe("hedge", "experts learner"))
        self.assertIsNone(common.parameters("hedge_regret"))

    def test_palette_keeps_curated_colours_and_spares_them(self):
        palette = common.Palette({"hedge": "#000000"})
        self.assertEqual(palette("hedge"), "#000000")
        first, second = palette("new_a"), palette("new_b")
        self.assertNotEqual(first, second)
        self.assertNotIn("#000000", (first, second))
        self.assertEqual(palette("new_a"), first)  # stable within a figure

    def test_extra_keys_are_the_varying_columns_not_used(self):
        rows = hedge_rows(["ftl"], per_octaves=(1, 2))
        self.assertEqual(common.extra_keys(rows, {"learner", "instance", "n", "T"}),
                         ["per_octave"])
        self.assertEqual(common.extra_keys(hedge_rows(["ftl"]), {"learner", "T"}), [])


class FigureTest(unittest.TestCase):
    def test_a_new_learner_and_a_new_key_get_labels_and_panels(self):
        rows = hedge_rows(["ftl", "uniform(support=2)"], per_octaves=(1, 2))
        with tempfile.TemporaryDirectory() as out:
            fig_hedge_regret.plot(rows, out)
            with open(os.path.join(out, "hedge_regret.json")) as f:
                content = json.load(f)
        self.assertIn("uniform(support=2)", content["legend"])
        self.assertIn("FTL", content["legend"])
        titles = [p["title"] for p in content["panels"]]
        self.assertEqual(len(titles), 2)  # one panel per per_octave value
        self.assertTrue(all("per_octave" in t for t in titles), titles)
        # Two learners drawn in each panel, never pooled across per_octave.
        for panel in content["panels"]:
            drawn = [l for l in panel["lines"] if l["label"] == "" and len(l["x"]) == 2]
            self.assertGreaterEqual(len(drawn), 2)
        self.assertIn("uniform(support=2)", fig_hedge_regret.headline(rows))


if __name__ == "__main__":
    unittest.main()
