"""Draws one experiment's figure: plot.py <experiment> <results>.

Run by `expertlab plot <experiment> [--results DIR]`. <results> is either a
sweep directory holding <experiment>.csv (what `run --out DIR` writes) or a
results root holding <experiment>/<experiment>.csv (default `results`).
Imports plots/fig_<experiment>.py and calls its plot(rows, figures_dir) with
figures_dir = <results>/figures, beside the results in both cases.
"""

import importlib
import os
import sys

sys.dont_write_bytecode = True  # keep plots/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402


def fail(message):
    print("plot: error: " + message, file=sys.stderr)
    sys.exit(1)


def load_module(experiment):
    """plots/fig_<experiment>.py as a module, or None if there is none."""
    path = os.path.join(common.HERE, "fig_%s.py" % experiment)
    if not os.path.isfile(path):
        return None
    return importlib.import_module("fig_" + experiment)


def csv_path(results, experiment):
    """<results>/<experiment>.csv in a sweep directory, else the results
    root's <results>/<experiment>/<experiment>.csv."""
    flat = os.path.join(results, experiment + ".csv")
    if os.path.isfile(flat):
        return flat
    return os.path.join(results, experiment, experiment + ".csv")


def main(argv):
    if any(a in ("-h", "--help") for a in argv[1:]):
        print(__doc__.strip())
        return
    if len(argv) != 3:
        fail("usage: plot.py <experiment> <results>")
    experiment, results = argv[1], argv[2]
    path = csv_path(results, experiment)
    if not os.path.isfile(path):
        fail("no results for '%s': neither %s nor %s exists (run `expertlab "
             "run %s` first, `expertlab merge` after a sharded run, or give "
             "--results DIR)"
             % (experiment, os.path.join(results, experiment + ".csv"), path,
                experiment))
    module = load_module(experiment)
    if module is None:
        fail("no figure script plots/fig_%s.py for experiment '%s'"
             % (experiment, experiment))
    rows = common.load_rows(path)
    if not rows:
        fail("%s has no rows" % path)
    figures_dir = os.path.join(results, "figures")
    module.plot(rows, figures_dir)
    print(os.path.join(figures_dir, experiment + ".png"))


if __name__ == "__main__":
    main(sys.argv)
