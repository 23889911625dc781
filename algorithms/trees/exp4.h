// EXP4 (Auer, Cesa-Bianchi, Freund & Schapire, "The nonstochastic
// multiarmed bandit problem", SIAM J. Comput. 2002, Section 7, Fig. 5):
// exponential weights over the N experts, each advising a one-hot
// distribution over the K arms; context-blind, like Meta-CMAB.
//   p(a) = (1 - gamma) sum_i w_i 1{advice_i = a} / W + gamma / K
//   r_hat(a) = r 1{a chosen} / p(a);  w_i <- w_i exp(gamma r_hat(advice_i) / K)
// With gamma = min(1, sqrt(K ln N / ((e - 1) T))) (Corollary 3.2 with g = T)
// the expected regret to the best expert is at most 2 sqrt(e - 1) sqrt(T K ln N)
// (Theorem 7.1).
//
// Parameters
//   gamma  double in (0, 1] or auto  auto  exploration rate (auto: as above)
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "algorithms/trees/learner.h"
#include "sim/params.h"

namespace expertlab::trees {

// p(a) = (1 - gamma) sum_j w_j 1{advised_j = a} / sum_j w_j + gamma / K over
// K = probability.size() arms, weights w_j = exp(log_weights[j]).
void MixAdvice(std::span<const double> log_weights, std::span<const int> advised, double gamma,
               std::vector<double>& probability);
// An arm drawn from `probability` with one uniform.
int SampleArm(const std::vector<double>& probability, Rng& rng);
// gamma = min(1, sqrt(K ln M / ((e - 1) T))) for M weighted predictors
// (Auer et al. 2002, Corollary 3.2 with g = T), or `fixed` when given; at
// least 1e-12 so that one predictor still explores.
double Exp4Gamma(std::optional<double> fixed, int classes, double predictors, int64_t horizon);

class Exp4 final : public AdviceLearner {
 public:
  explicit Exp4(const Params& params) : fixed_gamma_(params.AutoDouble("gamma")) {}
  void Start(const Problem& problem, Rng rng) override;
  int Choose(const RoundView& round) override;
  void Observe(const RoundView& round, int arm, double reward) override;

 private:
  std::optional<double> fixed_gamma_;
  double gamma_ = 0;
  int classes_ = 0;
  std::vector<double> log_weights_, probability_;
  Rng rng_{0, 0, 0, 0};
};

}  // namespace expertlab::trees
