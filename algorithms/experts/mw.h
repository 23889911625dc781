// Multiplicative weights in the Arora-Hazan-Kale form: w_i <- w_i (1 -
// eps)^{l_t(i)}, play i with probability w_i / sum_j w_j.
//
// Paper: S. Arora, E. Hazan, S. Kale, "The Multiplicative Weights Update
// Method: a Meta-Algorithm and Applications", Theory of Computing 2012,
// Thm 2.1 (losses in [0,1], eps <= 1/2): for every expert i,
//   sum_t <p_t, l_t> <= (1 + eps) L_T(i) + ln(n) / eps,
// so eps = sqrt(ln n / T) gives regret O(sqrt(T ln n)). It is Hedge with
// eta = -ln(1 - eps), and shares its vectorised, max-shifted update.
//
// Parameters
//   eps  auto | (0, 1/2]   auto = min(1/2, sqrt(ln n / T))
//
// Memory: 2n + n/256 words, all charged: each expert's cumulative loss and
// its cached weight (kernels.h: ExpWeights), and the weights' block sums.
#pragma once

#include <optional>

#include "algorithms/experts/kernels.h"
#include "algorithms/experts/learner.h"
#include "sim/params.h"

namespace expertlab::experts {

class MultiplicativeWeights final : public FullMemoryLearner {
 public:
  explicit MultiplicativeWeights(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  int Act() override { return static_cast<int>(weights_.Sample(rng_.Uniform())); }
  double ExpectedLoss(const LossView& losses) const override {
    return weights_.Expected(losses.All());
  }
  void Observe(const LossView& losses) override { weights_.Update(losses.All(), eta_); }

  double eps() const { return eps_; }
  ParamValues EffectiveParams() const override { return {{"eps", eps_}}; }

 private:
  std::optional<double> fixed_eps_;
  double eps_ = 0;
  double eta_ = 0;
  ExpWeights weights_;
  Rng rng_{0, 0, 0, 0};
};

}  // namespace expertlab::experts
