"""gmoe_rates: Voronoi loss of the MLE vs sample size n, log-log, per gate.

Panels: exact-specified (k = 2, D1) and over-specified (k = 3, D2), in raw
coordinates (beta1, tau) and in the identifiable ones (beta1/tau); one line
per gate with the mean over replicates and its 95% band; the shapes n^-1/2
and 1/log n in grey. headline() fits the log-log slope of the mean loss on
n for each (gate, k) and puts it beside theory's slope (the experiment's
theory.slope / theory.slope_ident rows) and the papers' numbers.
"""

import common
import gmoe_common as gc

EXPERIMENT = "gmoe_rates"


def paper_raw(gate, k):
    # Slopes recomputed from the Demystifying paper's released loss arrays
    # (softmax gate); the temperature paper's claim is 1/log n, i.e. about
    # -0.13 on a log grid over 1e2..1e5; it gives polynomial rates, no
    # number, for activation gates.
    if gate == "softmax":
        return "−0.64 (NNH23, exact)" if k == 2 else "−1.18 (NNH23, k = 3)"
    if gate in ("temperature", "identity", "relu"):
        return "1/log n: −0.13"
    return "polynomial"


def paper_ident(gate, k):
    return paper_raw(gate, k) if gate == "softmax" else "—"


def plot(rows, figures_dir):
    return gc.loss_figure(rows, figures_dir, EXPERIMENT,
                          "Softmax Gaussian MoE: Voronoi loss of the MLE vs n", 3)


def headline(rows):
    out = ["## gmoe_rates: Voronoi loss vs n (softmax, temperature, activation gates)\n\n",
           "Maximum-likelihood fits (EM from near-truth starts) of a softmax Gaussian "
           "mixture of experts with k* = 2 experts in d = 1, %s "
           "(every fit of a replicate sees the same sample; samples nested along n). "
           "Exact-specified fits (k = 2) are scored by D1, over-specified ones (k = 3) "
           "by D2, in raw coordinates (β₁, τ) and in identifiable ones (β₁/τ). %s\n\n"
           "Theory: n^-1/2 where the parameters are identifiable (Nguyen, Nguyen, Ho, "
           "NeurIPS 2023 (NNH23) for the softmax gate; Nguyen, Akbarian, Ho, ICML 2024 "
           "for activation gates), 1/log n claimed for the temperature gate (slope "
           "−0.13 over 1e2..1e5). Paper numbers for the softmax gate are NNH23's "
           "released losses refitted (n in 1e2..1e5, 40 replicates); the ICML 2024 "
           "paper's own slopes could not be read.\n\n"
           % (gc.grid_text(rows), common.VERDICT_RULE)]
    out.append("Raw coordinates (the losses the papers state rates for):\n\n")
    out.append(common.markdown_table(gc.SLOPE_HEADERS,
                                     gc.slope_rows(rows, "voronoi", "theory.slope", paper_raw),
                                     "llrrrl"))
    out.append("\nIdentifiable coordinates (β₁/τ, no τ term):\n\n")
    out.append(common.markdown_table(
        gc.SLOPE_HEADERS, gc.slope_rows(rows, "voronoi_ident", "theory.slope_ident", paper_ident),
        "llrrrl"))
    out.append(DISCUSSION)
    out.append(gc.convergence_line(rows))
    return "".join(out)


DISCUSSION = (
    "\nHow to read it. Under the temperature gate the gate depends on "
    "(β₁, β₀, τ) only through β₁/τ and β₀/τ, so EM cannot move the fit along "
    "the scale direction: the raw loss keeps the start's offset along it "
    "(starts moved to c(β₁, β₀, τ), log c ~ N(0, 0.1²), for every gate with "
    "τ estimated) and flattens once the statistical error falls below that "
    "offset, while sigmoid and tanh correct the same offset and the "
    "identifiable loss of the temperature gate falls like the softmax "
    "gate's. We see a plateau set by the start, not a 1/log n rate; the "
    "fitted raw slope over a finite grid depends on the offset's size. The over-specified slopes of NNH23 "
    "(−1.18) are steeper than −1/2 because their near-truth starts shrink "
    "with n and their n-range is pre-asymptotic; ours use the same starts. "
    "The true models of the activation gates are our choice (switching at "
    "x ≈ 0.32 like NNH23's), the D2 exponents for activation gates and the τ "
    "term are our reconstruction of the ICML 2024 paper's losses.\n")
