"""debate_rounds: self-play judge accuracy against the number of rounds,
one line per protocol and best-of-N (Khan et al., ICML 2024, App. A.8 on
rounds). headline() tabulates accuracy per rounds and the paired change
from the fewest to the most rounds.
"""

import common
import debate_common as dc

EXPERIMENT = "debate_rounds"


def plot(rows, figures_dir):
    return dc.plot_lines(rows, figures_dir, EXPERIMENT, "rounds", "rounds R",
                         "Judge accuracy vs rounds")


def headline(rows):
    series = dc.line_keys(rows, "rounds")
    accuracy = dc.by_cell(rows, "accuracy", series + ("rounds",))
    rounds = common.unique(rows, "rounds")
    out = ["## debate_rounds: judge accuracy vs rounds and best-of-N\n\n",
           "Self-play judge accuracy for R = %s rounds. Paper (%s, App. A.8): "
           "more rounds did not clearly help LLM judges. In this analogue a "
           "debater can refute only what was quoted in an earlier round, so "
           "one round allows no refutation. %s\n\n"
           % (", ".join(map(str, rounds)), dc.PAPER, dc.ANALOGUE_NOTE)]
    body = []
    for s in sorted({k[:-1] for k in accuracy}, key=lambda t: tuple(common.sort_key(v) for v in t)):
        cells = [accuracy.get(s + (r,)) for r in rounds]
        row = [common.describe_keys(series, s)] + [dc.fmt_mean(c) if c else "–" for c in cells]
        if cells[0] and cells[-1]:
            mean, low, high = dc.paired(cells[-1], cells[0])
            row.append(common.fmt_ci(mean, low, high, digits=3))
        else:
            row.append("–")
        body.append(row)
    out.append(common.markdown_table(
        ["series"] + ["R = %s" % r for r in rounds] + ["Δ (R = %s − %s)" % (rounds[-1], rounds[0])],
        body, "l" + "r" * (len(rounds) + 1)))
    return "".join(out) + "\n"
