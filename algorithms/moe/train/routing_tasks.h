// Synthetic regression tasks with a known latent cluster per example, so a
// router's assignment can be scored against ground truth (NMI, purity) and
// its quality against the Bayes risk.
//
// Clustered mixture of linear regressions: c ~ Cat(pi), x = mu_c + eps,
// y = W_c x + b_c + noise eta, with eps ~ N(0, I_dim), eta ~ N(0, I_out).
// The classic testbed of the mixture-of-experts literature (R. Jacobs,
// M. Jordan, S. Nowlan, G. Hinton, "Adaptive mixtures of local experts",
// Neural Computation 3(1), 1991, Sec. 2): one linear map per region, so an
// expert per cluster is the ideal routing.
//
// Variable difficulty: the same clusters, but cluster c's target is the
// linear map plus a sum of `hard_features(c)` random Fourier features
// a_j cos(omega_j . x + phi_j) (A. Rahimi, B. Recht, "Random features for
// large-scale kernel machines", NeurIPS 2007, Eq. 2), with hard_features
// rising from 0 (cluster 0, linear) to `max_features` (the last cluster): a
// harder cluster needs more expert capacity, the setting where threshold
// routing is claimed to spend more experts.
//
// Parameters (RoutingTaskSpec)
//   clusters      K >= 1        latent clusters
//   dim           >= 1          input dimension
//   out_dim       >= 1          regression outputs
//   separation    >= 0          E ||mu_c - mu_c'|| in units of the noise sd
//                               of x (mu_c ~ N(0, separation^2 / (2 dim) I))
//   skew          >= 0          pi_c proportional to (c + 1)^-skew (Zipf;
//                               0 = uniform)
//   noise         >= 0          sd of the target noise; Bayes MSE = noise^2
//   max_features  >= 0          Fourier features of the hardest cluster
//                               (0 = clustered linear regression)
#pragma once

#include <cstdint>
#include <vector>

#include "sim/rng.h"

namespace expertlab::moe {

struct RoutingTaskSpec {
  int64_t clusters = 8;
  int64_t dim = 16;
  int64_t out_dim = 1;
  double separation = 4.0;
  double skew = 0.0;
  double noise = 0.1;
  int64_t max_features = 0;
  // Throws expertlab::Error naming the first bad field.
  void Validate() const;
};

// A drawn sample: features [n x dim], targets [n x out_dim], clusters [n].
struct RoutingSample {
  int64_t n = 0;
  std::vector<float> x;
  std::vector<float> y;
  std::vector<int32_t> cluster;
};

class RoutingTask {
 public:
  // Draws the task (means, maps, features) from `rng`.
  RoutingTask(const RoutingTaskSpec& spec, Rng& rng);

  const RoutingTaskSpec& spec() const { return spec_; }
  const std::vector<double>& cluster_weights() const { return pi_; }
  // Fourier features of cluster c (0 for c = 0 up to max_features).
  int64_t HardFeatures(int64_t c) const;
  // n fresh examples from `rng` (a fixed draw order per example).
  RoutingSample Sample(int64_t n, Rng& rng) const;
  // The noiseless target of cluster c at x [dim] into y [out_dim].
  void Target(int64_t c, const double* x, double* y) const;
  // The Bayes risk of the squared error per output: noise^2.
  double BayesMse() const { return spec_.noise * spec_.noise; }

 private:
  RoutingTaskSpec spec_;
  std::vector<double> pi_;     // [K]
  std::vector<double> mu_;     // [K x dim]
  std::vector<double> w_;      // [K x out x dim]
  std::vector<double> b_;      // [K x out]
  std::vector<double> omega_;  // [K x F x dim]
  std::vector<double> phase_;  // [K x F]
  std::vector<double> amp_;    // [K x F x out]
};

}  // namespace expertlab::moe
