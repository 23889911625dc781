"""Writes <results>/REPORT.md: report.py <results>.

Run by `expertlab report [--results DIR]`. <results> is a results root
(default `results`, one <experiment>/ directory per sweep) or one sweep
directory holding <experiment>.csv (`run --out DIR`); figures are looked
for in <results>/figures, where `expertlab plot` puts them. For every
experiment (those registered in experiments/*.cc, those with a
plots/fig_<name>.py, and those with results), the report holds the figure
module's headline(rows) markdown, the registries' description of every
algorithm named in its parameter columns, and a link to figures/<name>.png;
experiments without an exported CSV are listed as "not run". The header
gives the date and, per experiment, the git commit the results were
produced by (from the sweep table of its SQLite store).
"""

import datetime
import glob
import os
import re
import sqlite3
import sys
import traceback

sys.dont_write_bytecode = True  # keep plots/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402
import plot  # noqa: E402

REPO = os.path.dirname(common.HERE)
REGISTERED = re.compile(r'EXPERTLAB_REGISTER_EXPERIMENT\(\s*\w+\s*,\s*"([^"]+)"')


def known_experiments(results_root):
    names = set()
    # Registered experiments: EXPERTLAB_REGISTER_EXPERIMENT(Impl, "name", ...).
    for path in glob.glob(os.path.join(REPO, "experiments", "*.cc")):
        with open(path, errors="replace") as f:
            names.update(REGISTERED.findall(f.read()))
    for path in glob.glob(os.path.join(common.HERE, "fig_*.py")):
        names.add(os.path.basename(path)[len("fig_"):-len(".py")])
    if os.path.isdir(results_root):
        for entry in os.listdir(results_root):
            name = entry[:-len(".csv")] if entry.endswith(".csv") else entry
            if os.path.isfile(plot.csv_path(results_root, name)):
                names.add(name)
    return sorted(names)


def provenance(results_root, experiment):
    """'commit abc1234 (dirty), Release, GNU 12.2.0, 2 threads; finished ...'."""
    path = os.path.join(
        os.path.dirname(plot.csv_path(results_root, experiment)), "store.db")
    if not os.path.isfile(path):
        return None
    try:
        # Read-only: never create or touch a store the engine owns.
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        try:
            rows = db.execute(
                "SELECT git_sha, git_dirty, build_type, compiler, host, "
                "finished FROM sweep ORDER BY id").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    if not rows:
        return None
    shas = []
    for sha, dirty, *_ in rows:
        text = (sha or "unknown")[:10] + (" (dirty)" if dirty else "")
        if text not in shas:
            shas.append(text)
    _, _, build, compiler, host, finished = rows[-1]
    return "commit %s; %s build, %s, host %s; %d sweep run(s), last finished %s" % (
        ", ".join(shas), build, compiler, host, len(rows), finished or "?")


def glossary(rows):
    """The algorithms named in the parameter columns, with their registry
    descriptions ('' when the registries are not at hand)."""
    seen = {}
    for column in common.param_columns(rows):
        specs = [v for v in common.unique(rows, column) if isinstance(v, str)]
        family = common.family_of(specs) if specs else None
        for spec in specs if family else []:
            seen.setdefault(common.parse_spec(spec)[0], (family, common.describe(spec, family)))
    if not seen:
        return ""
    return ("\nAlgorithms in these results:\n\n"
            + "".join("- `%s` (%s): %s\n" % (name, family, description)
                      for name, (family, description) in sorted(seen.items())))


def section(results_root, experiment):
    path = plot.csv_path(results_root, experiment)
    module = plot.load_module(experiment)
    if not os.path.isfile(path):
        return None, "not run"
    if module is None or not hasattr(module, "headline"):
        return None, "results present, but no plots/fig_%s.py headline()" % experiment
    rows = common.load_rows(path)
    if not rows:
        return None, "CSV has no rows"
    text = module.headline(rows).rstrip() + "\n" + glossary(rows)
    origin = provenance(results_root, experiment)
    if origin:
        text += "\nResults: `%s` (%s).\n" % (
            os.path.relpath(path, results_root), origin)
    figure = os.path.join("figures", experiment + ".png")
    if os.path.isfile(os.path.join(results_root, figure)):
        text += "\n![%s](%s)\n" % (experiment, figure)
    else:
        where = ("" if os.path.normpath(results_root) == "results"
                 else " --results %s" % results_root)
        text += ("\nFigure not drawn yet: `expertlab plot %s%s` writes `%s`.\n"
                 % (experiment, where, figure))
    return text, "reported"


def main(argv):
    if any(a in ("-h", "--help") for a in argv[1:]):
        print(__doc__.strip())
        return
    if len(argv) != 2:
        print("report: error: usage: report.py <results>", file=sys.stderr)
        sys.exit(1)
    results_root = argv[1]
    os.makedirs(results_root, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    sections, status = [], []
    failed = False
    for experiment in known_experiments(results_root):
        try:
            text, state = section(results_root, experiment)
        except Exception as e:  # one broken figure script must not hide the rest
            traceback.print_exc()
            text, state = None, "headline failed: %s" % e
            failed = True
        status.append((experiment, state))
        if text:
            sections.append(text)

    lines = ["# expertlab report\n",
             "\nGenerated %s from `%s`. Each section puts our measurements "
             "beside theory's (and the paper's) predictions; figures are in "
             "`figures/`.\n" % (now.strftime("%Y-%m-%d %H:%M UTC"),
                                os.path.abspath(results_root)),
             "\n" + common.markdown_table(
                 ["experiment", "status"],
                 [["`%s`" % e, s] for e, s in status]), "\n"]
    lines += [s + "\n" for s in sections]
    out = os.path.join(results_root, "REPORT.md")
    with open(out, "w") as f:
        f.write("".join(lines).rstrip() + "\n")
    print(out)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv)
