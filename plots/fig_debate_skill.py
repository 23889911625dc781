"""debate_skill: self-play judge accuracy against the experts' skill
(recall), one line per protocol and best-of-N, beside the full-disclosure
topline. The paper (Khan et al., ICML 2024, Figs. 3-4): stronger, more
persuasive debaters raise judge accuracy in debate; in consultancy,
optimisation helps the dishonest consultant more and accuracy falls.

headline() gives each protocol's accuracy at the lowest and highest skill
and best-of-N, and the paired changes that carry the paper's two claims.
"""

import common
import debate_common as dc

EXPERIMENT = "debate_skill"


def plot(rows, figures_dir):
    return dc.plot_lines(rows, figures_dir, EXPERIMENT, "skill", "expert skill (recall)",
                         "Self-play judge accuracy vs expert skill")


def _change(accuracy, protocol, start, end, extra):
    a, b = accuracy.get((protocol,) + end + extra), accuracy.get((protocol,) + start + extra)
    if not a or not b:
        return None
    return dc.paired(a, b)


def headline(rows):
    extra_keys = tuple(common.extra_keys(rows, {"protocol", "bon", "skill"}))
    keys = ("protocol", "skill", "bon") + extra_keys
    accuracy = dc.by_cell(rows, "accuracy", keys)
    skills, bons = common.unique(rows, "skill"), common.unique(rows, "bon")
    out = ["## debate_skill: judge accuracy vs expert skill and best-of-N\n\n",
           "Self-play judge accuracy (%s judge) for skill %s and best-of-N %s. "
           "Paper (%s, Figs. 3-4): in debate, judge accuracy rises with debater "
           "persuasiveness (76%% for the strongest GPT-4-Turbo debaters); in "
           "consultancy it falls as the consultant is optimised (54%% overall). "
           "%s\n\n" % (", ".join(map(str, common.unique(rows, "judge"))),
                       ", ".join(map(common.fmt, skills)), ", ".join(map(str, bons)),
                       dc.PAPER, dc.ANALOGUE_NOTE)]
    body = []
    for key, cell in accuracy.items():
        if key[1] in (skills[0], skills[-1]) and key[2] in (bons[0], bons[-1]):
            body.append([common.describe_keys(keys, key), dc.fmt_mean(cell)])
    out.append(common.markdown_table(["cell", "accuracy [95% CI]"], body, "lr"))
    out.append("\nPaired changes [95% CI] (same questions):\n\n")
    body = []
    extras = sorted({k[3:] for k in accuracy}, key=lambda t: tuple(common.sort_key(v) for v in t))
    for extra in extras:
        where = common.describe_keys(extra_keys, extra)
        for protocol in common.unique(rows, "protocol"):
            for what, start, end in (
                    ("skill %s → %s at best-of-%s" % (skills[0], skills[-1], bons[-1]),
                     (skills[0], bons[-1]), (skills[-1], bons[-1])),
                    ("best-of-%s → %s at skill %s" % (bons[0], bons[-1], skills[-1]),
                     (skills[-1], bons[0]), (skills[-1], bons[-1]))):
                change = _change(accuracy, protocol, start, end, extra)
                if change is None:
                    continue
                mean, low, high = change
                sign = "rises" if low > 0 else "falls" if high < 0 else "flat (CI covers 0)"
                body.append([dc.label(protocol) + (" (%s)" % where if where else ""), what,
                             common.fmt_ci(mean, low, high, digits=3), sign])
    out.append(common.markdown_table(["protocol", "change", "Δ accuracy", "verdict"], body,
                                     "llrl"))
    return "".join(out) + "\n"
