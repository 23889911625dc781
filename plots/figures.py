"""Figures in the house style: axes, CI bands, and saving as PNG + PDF with
a JSON of what was drawn (every line's label, colour and points, every
legend entry, every title), so tests and reviews can read a figure's
content without looking at pixels.
"""

import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
STYLE = os.path.join(HERE, "style.mplstyle")

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


def _points(values):
    return [None if not math.isfinite(v) else v
            for v in np.asarray(values, dtype=float).ravel().tolist()]


def _legend_texts(legend):
    return [t.get_text() for t in legend.get_texts()] if legend else []


def figure_content(fig):
    """What a figure shows, as plain data: its title, legend entries, and per
    visible panel the title, axis labels and every line (label, colour,
    points). Lines whose label starts with '_' are matplotlib's unlabelled
    ones; their points are kept, their label is ''."""
    from matplotlib.colors import to_hex
    panels = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        lines = [dict(label="" if l.get_label().startswith("_") else l.get_label(),
                      color=to_hex(l.get_color(), keep_alpha=False),
                      x=_points(l.get_xdata()), y=_points(l.get_ydata()))
                 for l in ax.get_lines()]
        panels.append(dict(title=ax.get_title(), xlabel=ax.get_xlabel(),
                           ylabel=ax.get_ylabel(), lines=lines,
                           legend=_legend_texts(ax.get_legend())))
    title = fig._suptitle.get_text() if fig._suptitle else ""
    legend = [text for lg in fig.legends for text in _legend_texts(lg)]
    return dict(title=title, legend=legend, panels=panels)


def save_figure(fig, figures_dir, name):
    """Writes <figures_dir>/<name>.png and .pdf, and <name>.json with
    figure_content(fig); returns the PNG path."""
    import matplotlib.pyplot as plt
    os.makedirs(figures_dir, exist_ok=True)
    png = os.path.join(figures_dir, name + ".png")
    fig.savefig(png)
    fig.savefig(os.path.join(figures_dir, name + ".pdf"))
    with open(os.path.join(figures_dir, name + ".json"), "w") as f:
        json.dump(figure_content(fig), f, indent=1, ensure_ascii=False)
        f.write("\n")
    plt.close(fig)
    return png
