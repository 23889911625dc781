// The true models of the simulation studies and the near-truth
// initialisation of their fits.
//
// ReferenceTruth: k* = 2 experts in d = 1, x ~ U[0, 1], the design of
// Nguyen, Nguyen, Ho, "Demystifying Softmax Gating Function in Gaussian
// Mixture of Experts" (NeurIPS 2023, simulation appendix and public code):
// experts a* = (-20, 20), b* = (15, -5), variances nu* = (0.09, 0.16), and
// a gate that hands x over from the reference expert to expert 1 at
// x ~ 0.32. For the softmax and temperature gates the gate is theirs,
// beta1* = 25, beta0* = -8, tau* = 1. For the other activations we chose
// (beta1*, beta0*, tau*) so that the gate switches at the same point with a
// comparable sharpness (the temperature paper's parameters could not be
// read):
//   identity and relu (25, -8, 1) (ReLU is the identity on x >= 0 here),
//   sigmoid (4, -0.28, 0.05), tanh (2, -0.57, 0.1), gelu (4, -1.15, 0.4).
//
// NearTrueInit follows the Demystifying code's "nearTrue" start: fitted
// expert i starts at the true expert it is assigned to (the last at the
// reference, the first k*-1 at the others, extra experts of an
// over-specified fit at random non-reference true experts), perturbed by
// N(0, (0.005 n^-0.083)^2) on gate parameters, N(0, (0.05 n^-0.083)^2) on
// expert coefficients and |N(0, (0.005 n^-0.25)^2)| added to variances.
// Ours: when tau is estimated, the start may also be moved along the scale
// direction, (beta1, beta0, tau) -> c (beta1, beta0, tau) with
// log c ~ N(0, scale^2), which leaves a homogeneous gate unchanged (gate.h);
// and experts sharing a true expert split its mass (beta0 lowered by
// tau log m for m sharers), so the initial gate equals the true one up to
// the perturbations.
#pragma once

#include "algorithms/gmoe/model.h"
#include "sim/rng.h"

namespace expertlab::gmoe {

Model ReferenceTruth(const Gate& gate);

struct InitScales {
  double gate;
  double expert;
  double variance;
  double scale = 0;  // sd of log c along the scale direction
};
// The Demystifying code's scales at sample size n (no scale offset).
InitScales NearTrueScales(int n);

// A k-expert start near `truth` (k >= truth.k(); Error otherwise).
Model NearTrueInit(const Model& truth, int k, const InitScales& scales, Rng& rng);

}  // namespace expertlab::gmoe
