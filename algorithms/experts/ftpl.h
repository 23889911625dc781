// Follow the perturbed leader: play argmin_i L_{t-1}(i) - Z_i / eta with
// fresh noise Z every day.
//
// Papers: A. Kalai and S. Vempala, "Efficient algorithms for online
// decision problems", JCSS 2005 (FPL* with exponential noise: E[cost] <=
// (1 + eps) L* + O(ln n) / eps); with standard Gumbel noise Z_i the
// perturbed leader is exactly distributed as Hedge's p_t(i) ∝ exp(-eta
// L_{t-1}(i)) (the Gumbel-max trick; e.g. Abernethy, Lee, Sinha, Tewari,
// "Online linear optimization via smoothing", COLT 2014), so it inherits
// Hedge's bound sqrt(T ln n / 2) at eta = sqrt(8 ln n / T).
//
// Parameters
//   noise  gumbel | exponential   perturbation distribution
//   eta    auto | > 0             noise scale 1/eta; auto = sqrt(8 ln n / T)
//
// Pseudo-regret: for Gumbel noise <p_t, l_t> is Hedge's closed form; for
// exponential noise p_t has no closed form and ExpectedLoss returns the
// loss of today's perturbed leader (an unbiased estimate of <p_t, l_t>).
// Memory: 2n + n/256 words, all charged: each expert's cumulative loss and
// its cached weight (kernels.h: ExpWeights), and the weights' block sums.
#pragma once

#include <Eigen/Core>
#include <optional>

#include "algorithms/experts/kernels.h"
#include "algorithms/experts/learner.h"
#include "sim/params.h"

namespace expertlab::experts {

class Ftpl final : public FullMemoryLearner {
 public:
  explicit Ftpl(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  int Act() override;
  double ExpectedLoss(const LossView& losses) const override;
  void Observe(const LossView& losses) override;

  double eta() const { return eta_; }
  ParamValues EffectiveParams() const override { return {{"eta", eta_}}; }

 private:
  bool gumbel_;
  std::optional<double> fixed_eta_;
  double eta_ = 0;
  int leader_ = 0;
  ExpWeights weights_;  // cumulative losses (+ Hedge's p for Gumbel)
  Rng rng_{0, 0, 0, 0};
};

}  // namespace expertlab::experts
