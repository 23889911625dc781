#include "algorithms/experts/hedge.h"

#include <cmath>

#include "sim/registry.h"
#include "theory/experts_bounds.h"

namespace expertlab::experts {

Hedge::Hedge(const Params& params)
    : anytime_(params.String("schedule") == "anytime"),
      fixed_eta_(params.AutoDouble("eta")) {
  EXPERTLAB_CHECK(!(anytime_ && fixed_eta_))
      << "hedge: eta must be auto with schedule=anytime (eta_t = sqrt(8 ln n "
         "/ t))";
}

void Hedge::Start(int num_experts, int64_t horizon, Rng rng) {
  num_experts_ = num_experts;
  eta_ = fixed_eta_ ? *fixed_eta_ : theory::HedgeOptimalEta(num_experts, horizon);
  day_ = 1;
  cumulative_ = Eigen::ArrayXd::Zero(num_experts);
  rng_ = std::move(rng);
  UpdateDistribution();
}

void Hedge::UpdateDistribution() {
  if (anytime_)
    eta_ = std::sqrt(8.0 * std::log(static_cast<double>(num_experts_)) /
                     static_cast<double>(day_));
  const double best = cumulative_.minCoeff();
  probabilities_ = (-eta_ * (cumulative_ - best)).exp();
  probabilities_ /= probabilities_.sum();
}

int Hedge::Act() {
  // Inverse CDF; the last expert absorbs rounding so a draw never falls off.
  double u = rng_.Uniform();
  for (int i = 0; i + 1 < num_experts_; ++i) {
    u -= probabilities_[i];
    if (u < 0) return i;
  }
  return num_experts_ - 1;
}

double Hedge::ExpectedLoss(const LossView& losses) const {
  return (probabilities_ * losses.All()).sum();
}

void Hedge::Observe(const LossView& losses) {
  cumulative_ += losses.All();
  ++day_;
  UpdateDistribution();
}

EXPERTLAB_REGISTER(ExpertsLearner, Hedge, "hedge",
                   "exponential weights over all n experts (Freund-Schapire)",
                   {ParamSpec::Choice("schedule", "fixed", {"fixed", "anytime"},
                                      "fixed eta, or eta_t = sqrt(8 ln n / t)"),
                    ParamSpec::AutoDouble("eta", Bounds::Positive(),
                                          "learning rate; auto = sqrt(8 ln n/T)")})

}  // namespace expertlab::experts
