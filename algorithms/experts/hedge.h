// Hedge (exponentially weighted average forecaster): p_t(i) ∝ exp(-eta_t
// L_{t-1}(i)), with L the cumulative losses.
//
// Paper: Y. Freund and R. E. Schapire, "A decision-theoretic generalization
// of on-line learning and an application to boosting", JCSS 1997; bounds as
// in N. Cesa-Bianchi and G. Lugosi, "Prediction, Learning, and Games", 2006,
// Thm 2.2 (fixed eta: regret <= ln n/eta + eta T/8, so sqrt(T ln n/2) at
// eta = sqrt(8 ln n/T)) and Thm 2.3 (anytime eta_t = sqrt(8 ln n/t): regret
// <= 2 sqrt(T ln n/2) + sqrt(ln n/8)).
//
// Parameters
//   schedule  fixed | anytime   fixed eta, or eta_t = sqrt(8 ln n / t)
//   eta       auto | > 0        fixed learning rate; auto = sqrt(8 ln n/T)
//
// Memory: 2n + n/256 words, all charged: each expert's cumulative loss and
// its cached weight, and the block sums of the weights. The weights are
// recomputed from L each day in a shifted (log-sum-exp) form,
// w_i = exp(-eta (L_i - m)) with m = yesterday's min_j L_j <= today's, so no
// weight underflows however long the horizon and a changing eta (anytime)
// costs nothing extra. The update, the new minimum and the weight sums are
// one vectorised pass (kernels.h: ExpWeightsKernel); draws use block sums
// of the weights, so Act costs O(n/256 + 256), not O(n).
#pragma once

#include <Eigen/Core>
#include <optional>

#include "algorithms/experts/kernels.h"
#include "algorithms/experts/learner.h"
#include "sim/params.h"

namespace expertlab::experts {

class Hedge final : public FullMemoryLearner {
 public:
  explicit Hedge(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  int Act() override;
  double ExpectedLoss(const LossView& losses) const override;
  void Observe(const LossView& losses) override;

  // Today's distribution p_t (for tests).
  Eigen::ArrayXd Distribution() const { return weights_.weights() / weights_.total(); }
  // The learning rate that produced today's distribution.
  double eta() const { return eta_; }
  // eta on day 1 (anytime: eta_1 = sqrt(8 ln n)).
  ParamValues EffectiveParams() const override { return {{"eta", eta_1_}}; }

 private:
  bool anytime_;
  std::optional<double> fixed_eta_;
  double eta_ = 0;
  double eta_1_ = 0;
  int64_t day_ = 1;  // the day the current distribution is for
  ExpWeights weights_;
  Rng rng_{0, 0, 0, 0};
};

}  // namespace expertlab::experts
