// Convergence rates of the MLE of a softmax Gaussian mixture of experts,
// in the Voronoi losses of algorithms/gmoe/voronoi.h, as log-log slopes
// against the sample size n.
//
// - Plain softmax gate: D1 (exact-specified) and D2 (over-specified) are
//   O_P(sqrt(log n / n)) (Nguyen, Nguyen, Ho, "Demystifying Softmax Gating
//   Function in Gaussian Mixture of Experts", NeurIPS 2023, Thms 1-2):
//   slope -1/2.
// - Temperature gate (tau estimated, sigma homogeneous: identity, ReLU):
//   parameter rates slower than any polynomial, as slow as 1/log n (Nguyen,
//   Akbarian, Ho, "Is Temperature Sample Efficient for Softmax Gaussian
//   Mixture of Experts?", ICML 2024, abstract). A curve c / log n has, on a
//   log-spaced grid of n, the least-squares log-log slope InverseLogSlope.
//   In the identifiable coordinates beta1/tau the gate is the plain softmax
//   gate, so those losses have slope -1/2 (derived: the gate depends on
//   (beta1, beta0, tau) only through beta1/tau and beta0/tau).
// - Activation gate with sigma satisfying the paper's independence
//   conditions (sigmoid, tanh, GELU): polynomial rates restored (same
//   abstract); D1 and D2 at O_P(sqrt(log n / n)): slope -1/2.
#pragma once

namespace expertlab::theory {

// Least-squares slope of log(1 / log n) on log n over `points` log-spaced
// n in [n_min, n_max] (about -0.13 over [1e2, 1e5]).
double InverseLogSlope(double n_min, double n_max, int points);

// The range over which the 1/log n slope is quoted (the temperature
// paper's and the Demystifying paper's grid, 1e2 to 1e5).
inline constexpr double kRateGridMin = 1e2;
inline constexpr double kRateGridMax = 1e5;

// Predicted slope of the Voronoi loss (D1 exact-specified, D2
// over-specified) against n: -1/2 where the parameters are identifiable,
// InverseLogSlope over [kRateGridMin, kRateGridMax] for raw (beta1, tau)
// under a homogeneous gate with tau estimated.
double PredictedVoronoiSlope(bool homogeneous_gate, bool tau_estimated, bool raw_coordinates);

}  // namespace expertlab::theory
