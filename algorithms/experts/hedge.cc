#include "algorithms/experts/hedge.h"

#include <cmath>

#include "sim/registry.h"
#include "theory/experts_bounds.h"

namespace expertlab::experts {

Hedge::Hedge(const Params& params)
    : anytime_(params.String("schedule") == "anytime"), fixed_eta_(params.AutoDouble("eta")) {
  EXPERTLAB_CHECK(!(anytime_ && fixed_eta_))
      << "hedge: eta must be auto with schedule=anytime (eta_t = sqrt(8 ln n "
         "/ t))";
}

void Hedge::Start(int num_experts, int64_t horizon, Rng rng) {
  num_experts_ = num_experts;
  words_ = ExpWeights::Words(num_experts);
  day_ = 1;
  eta_ = anytime_     ? std::sqrt(8.0 * std::log(static_cast<double>(num_experts)))
         : fixed_eta_ ? *fixed_eta_
                      : theory::HedgeOptimalEta(num_experts, horizon);
  eta_1_ = eta_;
  weights_.Reset(num_experts);
  rng_ = std::move(rng);
}

int Hedge::Act() { return static_cast<int>(weights_.Sample(rng_.Uniform())); }

double Hedge::ExpectedLoss(const LossView& losses) const { return weights_.Expected(losses.All()); }

void Hedge::Observe(const LossView& losses) {
  ++day_;
  if (anytime_)
    eta_ = std::sqrt(8.0 * std::log(static_cast<double>(num_experts_)) / static_cast<double>(day_));
  weights_.Update(losses.All(), eta_);
}

EXPERTLAB_REGISTER(ExpertsLearner, Hedge, "hedge",
                   "exponential weights over all n experts (Freund-Schapire)",
                   {ParamSpec::Choice("schedule", "fixed", {"fixed", "anytime"},
                                      "fixed eta, or eta_t = sqrt(8 ln n / t)"),
                    ParamSpec::AutoDouble("eta", Bounds::Positive(),
                                          "learning rate; auto = sqrt(8 ln n/T)")})

}  // namespace expertlab::experts
