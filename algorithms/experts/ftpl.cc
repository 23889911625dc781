#include "algorithms/experts/ftpl.h"

#include <cmath>
#include <limits>

#include "sim/registry.h"
#include "sim/samplers.h"
#include "theory/experts_bounds.h"

namespace expertlab::experts {

Ftpl::Ftpl(const Params& params)
    : gumbel_(params.String("noise") == "gumbel"), fixed_eta_(params.AutoDouble("eta")) {}

void Ftpl::Start(int num_experts, int64_t horizon, Rng rng) {
  num_experts_ = num_experts;
  words_ = ExpWeights::Words(num_experts);
  eta_ = fixed_eta_ ? *fixed_eta_ : theory::HedgeOptimalEta(num_experts, horizon);
  weights_.Reset(num_experts);
  rng_ = std::move(rng);
  leader_ = 0;
}

int Ftpl::Act() {
  // argmax_i -eta L_i + Z_i; with eta = 0 the noise alone decides (uniform).
  const Eigen::ArrayXd& cumulative = weights_.cumulative();
  double best = -std::numeric_limits<double>::infinity();
  for (int i = 0; i < num_experts_; ++i) {
    const double z = gumbel_ ? Gumbel(rng_) : Exponential(rng_, 1.0);
    const double score = -eta_ * cumulative[i] + z;
    if (score > best) {
      best = score;
      leader_ = i;
    }
  }
  return leader_;
}

double Ftpl::ExpectedLoss(const LossView& losses) const {
  if (gumbel_) return weights_.Expected(losses.All());
  return losses[leader_];
}

void Ftpl::Observe(const LossView& losses) {
  if (gumbel_) {
    weights_.Update(losses.All(), eta_);
  } else {
    weights_.mutable_cumulative() += losses.All();
  }
}

EXPERTLAB_REGISTER(ExpertsLearner, Ftpl, "ftpl",
                   "follow the perturbed leader, noise redrawn daily "
                   "(Kalai-Vempala; Gumbel = Hedge in distribution)",
                   {ParamSpec::Choice("noise", "gumbel", {"gumbel", "exponential"},
                                      "perturbation distribution"),
                    ParamSpec::AutoDouble("eta", Bounds::Positive(),
                                          "noise scale 1/eta; auto = "
                                          "sqrt(8 ln n / T)")})

}  // namespace expertlab::experts
