#include "algorithms/experts/robust_pool.h"

#include <algorithm>
#include <cmath>

#include "sim/registry.h"

namespace expertlab::experts {

RobustPool::RobustPool(const Params& params)
    : TwoPoolLearner(params.Int("memory")),
      active_fraction_(params.Double("active_fraction")),
      probe_(params.Int("probe")),
      gamma_(params.Double("gamma")),
      fixed_horizon_(params.AutoDouble("horizon")) {
  EXPERTLAB_CHECK(!fixed_horizon_ || *fixed_horizon_ > 1)
      << "robust_pool: horizon must be auto or > 1, got " << *fixed_horizon_;
}

void RobustPool::Start(int num_experts, int64_t /*horizon*/, Rng rng) {
  CheckMemoryBudget("robust_pool", memory_, num_experts);
  EXPERTLAB_CHECK(memory_ >= 3) << "robust_pool needs memory S >= 3 (one active expert = 2 words, "
                                   "one candidate = 1)";
  num_experts_ = num_experts;
  const int s = static_cast<int>(memory_);
  // 2 words per active expert.
  const int k = std::clamp(static_cast<int>(s * active_fraction_ / 2), 1, (s - 1) / 2);
  const int m = s - 2 * k;
  const double h = fixed_horizon_ ? *fixed_horizon_ : std::max(32.0, 4.0 * k);
  decay_ = 1 - 1 / h;
  active_.Reset(k, 2);
  candidates_.Reset(m, 1);
  rng_ = std::move(rng);
  StartProbe();
  ComputeGoodSet();
}

void RobustPool::StartProbe() {
  candidates_.Clear();
  candidates_.AddFresh(candidates_.capacity(), num_experts_, rng_, {&active_});
  probe_day_ = 0;
  alg_probe_loss_ = 0;
}

void RobustPool::ComputeGoodSet() {
  good_.clear();
  if (active_.size() == 0) return;
  const double best = active_.Stat(0).minCoeff();
  for (int s = 0; s < active_.size(); ++s)
    if (active_.At(s, 0) <= best + gamma_ && active_.At(s, 1) < 0.5) good_.push_back(s);
  if (good_.empty())
    for (int s = 0; s < active_.size(); ++s)
      if (active_.At(s, 0) <= best + gamma_) good_.push_back(s);
}

int RobustPool::Act() {
  if (!good_.empty()) return active_.id(good_[rng_.UniformInt(good_.size())]);
  return candidates_.id(
      static_cast<int>(rng_.UniformInt(static_cast<uint64_t>(candidates_.size()))));
}

double RobustPool::ExpectedLoss(const LossView& losses) const {
  double total = 0;
  if (!good_.empty()) {
    for (int s : good_) total += losses[active_.id(s)];
    return total / static_cast<double>(good_.size());
  }
  for (int s = 0; s < candidates_.size(); ++s) total += losses[candidates_.id(s)];
  return total / candidates_.size();
}

void RobustPool::Observe(const LossView& losses) {
  alg_probe_loss_ += ExpectedLoss(losses);
  for (int s = 0; s < active_.size(); ++s) {
    const double loss = losses[active_.id(s)];
    active_.At(s, 0) = decay_ * active_.At(s, 0) + (1 - decay_) * loss;
    active_.At(s, 1) = loss;
  }
  for (int s = 0; s < candidates_.size(); ++s) candidates_.At(s, 0) += losses[candidates_.id(s)];
  if (++probe_day_ == probe_) {
    const double days = static_cast<double>(probe_);
    const double alg_average = alg_probe_loss_ / days;
    std::vector<std::pair<double, int>> qualified;
    for (int s = 0; s < candidates_.size(); ++s) {
      const double average = candidates_.At(s, 0) / days;
      if (average <= alg_average + gamma_ / 2) qualified.emplace_back(average, candidates_.id(s));
    }
    std::sort(qualified.begin(), qualified.end());
    candidates_.Clear();
    for (const auto& [average, id] : qualified) {
      if (active_.full()) {
        Eigen::Index worst = 0;
        const double worst_e = active_.Stat(0).maxCoeff(&worst);
        if (worst_e < average + gamma_) break;
        active_.Remove(static_cast<int>(worst));
      }
      const int slot = active_.Add(id);
      active_.At(slot, 0) = average;
      active_.At(slot, 1) = 0;
    }
    StartProbe();
  }
  ComputeGoodSet();
}

EXPERTLAB_REGISTER(
    ExpertsLearner, RobustPool, "robust_pool",
    "PR23-inspired adaptive-robust pool: play uniformly over near-best "
    "experts not hit yesterday; probe candidates without playing them",
    {ParamSpec::Int("memory", 16, Bounds::Closed(3, 1 << 30),
                    "memory S in words (2 per active, 1 per candidate)"),
     ParamSpec::Double("active_fraction", 0.5, Bounds::Open(0.0, 1.0),
                       "share of S for the active pool"),
     ParamSpec::Int("probe", 8, Bounds::Closed(1, 1 << 30), "probation length in days"),
     ParamSpec::Double("gamma", 0.25, Bounds::Open(0.0, 1.0), "tolerance of the good set"),
     ParamSpec::AutoDouble("horizon", Bounds::Positive(),
                           "discount horizon H; auto = max(32, 4k)")})

}  // namespace expertlab::experts
