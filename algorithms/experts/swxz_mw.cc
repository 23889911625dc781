#include "algorithms/experts/swxz_mw.h"

#include <algorithm>
#include <cmath>

#include "algorithms/experts/pool.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::experts {

SwxzMw::SwxzMw(const Params& params)
    : memory_(params.Int("memory")),
      fixed_delta_(params.AutoDouble("delta")),
      fixed_alpha_(params.AutoDouble("alpha")),
      cost_rule_(params.String("rule") == "cost"),
      slack_(params.Double("slack")) {}

void SwxzMw::Start(int num_experts, int64_t horizon, Rng rng) {
  CheckMemoryBudget("swxz_mw", memory_, num_experts);
  num_experts_ = num_experts;
  horizon_ = horizon;
  const double n = static_cast<double>(num_experts);
  const double t = static_cast<double>(horizon);
  delta_ = fixed_delta_
               ? *fixed_delta_
               : std::clamp(
                     std::sqrt(n * std::log(std::max(n, 2.0)) / (static_cast<double>(memory_) * t)),
                     1.0 / t, 0.5);
  eta_ = -std::log1p(-delta_ / 2);
  log_t_ = std::log(std::max(t, 2.0));
  rng_ = std::move(rng);
  day_ = 0;
  resamples_ = 0;
  if (fixed_alpha_) {
    alpha_ = *fixed_alpha_;
    search_epochs_left_ = 0;
  } else {
    alpha_lo_ = 0;
    alpha_hi_ = 1;
    search_epochs_left_ = std::max(1, static_cast<int>(std::ceil(2 * std::log2(1 / delta_))));
    search_epoch_length_ =
        std::max<int64_t>(1, static_cast<int64_t>(delta_ * t / search_epochs_left_));
    search_epoch_day_ = 0;
    alpha_ = (alpha_lo_ + alpha_hi_) / 2;
  }
  ids_.clear();
  index_.Reset(static_cast<int>(memory_));
  Resample();
  resamples_ = 0;
}

void SwxzMw::Resample() {
  for (int id : ids_) index_.Erase(id);
  ids_.clear();
  for (uint64_t id : SampleWithoutReplacement(rng_, static_cast<uint64_t>(num_experts_),
                                              static_cast<uint64_t>(memory_))) {
    index_.Set(static_cast<int>(id), static_cast<int>(ids_.size()));
    ids_.push_back(static_cast<int>(id));
  }
  weights_.Reset(memory_);
  today_.resize(memory_);
  cost_ = 0;
  tau_ = 0;
  ++resamples_;
  last_resample_day_ = day_;
}

ParamValues SwxzMw::EffectiveParams() const {
  return {{"pool", static_cast<double>(memory_)},
          {"delta", delta_},
          {"eps", delta_ / 2},
          {"alpha", alpha_},
          {"alpha_search", fixed_alpha_ ? 0.0 : 1.0}};
}

double SwxzMw::ExpectedLoss(const LossView& losses) const {
  double total = 0;
  for (size_t k = 0; k < ids_.size(); ++k) total += weights_.weights()[k] * losses[ids_[k]];
  return total / weights_.total();
}

bool SwxzMw::ShouldResample() const {
  const double tau = static_cast<double>(tau_);
  if (cost_rule_) {
    const double a = std::max(alpha_, 1.0 / static_cast<double>(horizon_));
    const double allowed =
        (1 + delta_ / 2) * (a * tau + slack_ * (4 * std::sqrt(tau * log_t_) + 4 * log_t_ / a)) +
        2 * std::log(static_cast<double>(num_experts_)) / delta_;
    return cost_ > allowed;
  }
  const double floor = (alpha_ + delta_) * tau + slack_ * std::sqrt(tau * log_t_);
  return weights_.cumulative().minCoeff() >= floor;
}

void SwxzMw::SearchStep() {
  // The pool in use survived the epoch's second half: some expert is at
  // least this good, so alpha may be lowered; otherwise raise it.
  const bool survived =
      last_resample_day_ <= day_ - search_epoch_length_ / 2 - 1 || search_epoch_length_ < 2;
  if (survived) {
    alpha_hi_ = alpha_;
  } else {
    alpha_lo_ = alpha_;
  }
  --search_epochs_left_;
  search_epoch_day_ = 0;
  alpha_ = search_epochs_left_ > 0 ? (alpha_lo_ + alpha_hi_) / 2 : alpha_hi_;
}

void SwxzMw::Observe(const LossView& losses) {
  ++day_;
  for (size_t k = 0; k < ids_.size(); ++k) today_[k] = losses[ids_[k]];
  cost_ += weights_.Expected(today_);
  weights_.Update(today_, eta_);
  ++tau_;
  if (ShouldResample()) Resample();
  if (search_epochs_left_ > 0 && ++search_epoch_day_ == search_epoch_length_) SearchStep();
}

EXPERTLAB_REGISTER(ExpertsLearner, SwxzMw, "swxz_mw",
                   "SWXZ22 random-order pool MW: k = S sampled experts, MW eps = delta/2, "
                   "resample when the pool's cost looks bad",
                   {ParamSpec::Int("memory", 16, Bounds::Closed(1, 1 << 30),
                                   "memory S in words (pool size k)"),
                    ParamSpec::AutoDouble("delta", Bounds{0.0, 0.5, true, false},
                                          "target average regret; auto = sqrt(n ln n/(S T))"),
                    ParamSpec::AutoDouble("alpha", Bounds::Closed(0.0, 1.0),
                                          "best expert's loss rate M/T; auto = binary search"),
                    ParamSpec::Choice("rule", "cost", {"cost", "rate"},
                                      "resample test: the slides' cost bound or poster's rate test"),
                    ParamSpec::Double("slack", 1.0, Bounds::Positive(),
                                      "multiplier on the deviation terms of the tests")})

}  // namespace expertlab::experts
