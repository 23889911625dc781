// Exact expertise of a decision maker's policy on a discrete setting
// (Hüyük, Wei, Curth & van der Schaar, "Defining Expertise: Applications to
// Treatment Effect Estimation", ICLR 2024, §3: prognostic and predictive
// expertise, in-context action variability, Proposition 1).
//
//   E_prog = 1 - H[A | Y0, Y1] / H[A] = I(A; Y0, Y1) / H[A]
//   E_pred = 1 - H[A | Y1 - Y0] / H[A] = I(A; Y1 - Y0) / H[A]
//   C      = H[A | X] / H[A]
// Proposition 1: E_prog + C <= 1 and E_pred + C <= 1 (unconfoundedness
// gives H[A|X] = H[A|X, Y0, Y1] <= H[A|Y0, Y1]); E_pred <= E_prog since
// Y1 - Y0 is a function of (Y0, Y1). Entropies in nats (the ratios do not
// depend on the base).
#pragma once

#include <span>

namespace expertlab::theory {

// -p log p - (1 - p) log(1 - p), 0 at p in {0, 1}.
double BinaryEntropy(double p);

struct Expertise {
  double e_prog = 0;  // normalised by H(A)
  double e_pred = 0;
  double c = 0;    // in-context action variability
  double h_a = 0;  // H(A), nats
};

// One covariate value x of a discrete setting: its probability, its
// (deterministic) potential outcomes and the policy's P(A = 1 | x).
struct DiscreteUnit {
  double prob, y0, y1, pi;
};

// Exact measures; units with equal (y0, y1) (or equal y1 - y0) are pooled.
// An error when probabilities are negative or do not sum to 1, a pi is
// outside [0, 1], or H(A) = 0 (the measures are undefined).
Expertise ExactExpertise(std::span<const DiscreteUnit> units);

}  // namespace expertlab::theory
