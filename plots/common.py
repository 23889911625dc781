"""The one import of every ``plots/fig_<experiment>.py`` and of report.py.

It re-exports the modules that do the work, each with one purpose:
  rows     reading the exported CSV, selecting and grouping rows, the
           parameter columns a figure must split by (extra_keys)
  stats    means, slopes and differences with intervals over replicates,
           the one verdict rule
  curves   final values along an x column, the experiments' predictions
           (theory rows), paired comparisons
  names    labels, colours and descriptions from the binary's registries
  figures  house style, CI bands, saving PNG + PDF + the figure's content
           as JSON
  tables   number formatting and markdown tables
Plots never simulate: theory curves and predictions are metric rows the
experiments emit. Only the standard library, numpy and matplotlib
(Debian's /usr/bin/python3).
"""

from curves import *  # noqa: F401,F403
from figures import *  # noqa: F401,F403
from names import *  # noqa: F401,F403
from rows import *  # noqa: F401,F403
from stats import *  # noqa: F401,F403
from tables import *  # noqa: F401,F403
