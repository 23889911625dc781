"""Number formatting and markdown tables for REPORT.md."""

import math

import numpy as np

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
