#include "algorithms/experts/baseline_pool.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::experts {

BaselinePool::BaselinePool(const Params& params)
    : HedgeOnActivePool(params.Int("memory")),
      fixed_epoch_(params.AutoDouble("epoch")),
      leader_rule_(params.String("rule") == "leader"),
      margin_(params.Double("margin")),
      active_fraction_(params.Double("active_fraction")) {
  EXPERTLAB_CHECK(!fixed_epoch_ || *fixed_epoch_ >= 1)
      << "baseline_pool: epoch must be auto or >= 1 day, got " << *fixed_epoch_;
}

void BaselinePool::Start(int num_experts, int64_t horizon, Rng rng) {
  CheckMemoryBudget("baseline_pool", memory_, num_experts);
  num_experts_ = num_experts;
  const int s = static_cast<int>(memory_);
  active_capacity_ = s >= 2 ? std::clamp(static_cast<int>(s * active_fraction_), 1, s - 1) : 0;
  candidate_capacity_ = s - active_capacity_;
  const double t = static_cast<double>(horizon);
  epoch_ = fixed_epoch_
               ? static_cast<int64_t>(*fixed_epoch_)
               : std::clamp<int64_t>(static_cast<int64_t>(std::ceil(std::pow(
                                         t * candidate_capacity_ / num_experts, 2.0 / 3.0))),
                                     1, horizon);
  const double b = static_cast<double>(epoch_);
  eta_ = std::sqrt(8 * std::log(std::max(active_capacity_, 2)) / b);
  theta_ = margin_ * std::sqrt(b * std::log(static_cast<double>(memory_) * t + 1));
  active_.Reset(active_capacity_, 1);
  candidates_.Reset(candidate_capacity_, 1);
  rng_ = std::move(rng);
  StartEpoch();
}

void BaselinePool::StartEpoch() {
  candidates_.AddFresh(candidate_capacity_, num_experts_, rng_, {&active_});
  active_.Stat(0).setZero();
  candidates_.Stat(0).setZero();
  alg_epoch_loss_ = 0;
  epoch_day_ = 0;
  Reweigh();
}

void BaselinePool::Observe(const LossView& losses) {
  alg_epoch_loss_ += ExpectedLoss(losses);
  for (int s = 0; s < active_.size(); ++s) active_.At(s, 0) += losses[active_.id(s)];
  for (int s = 0; s < candidates_.size(); ++s) candidates_.At(s, 0) += losses[candidates_.id(s)];
  if (++epoch_day_ == epoch_) {
    EndEpoch();
    StartEpoch();
  } else {
    Reweigh();
  }
}

void BaselinePool::EndEpoch() {
  if (leader_rule_) {
    // Rank everyone held by epoch loss (incumbents first on ties, then id).
    std::vector<std::tuple<double, int, int>> ranked;  // (loss, newcomer, id)
    for (int s = 0; s < active_.size(); ++s)
      ranked.emplace_back(active_.At(s, 0), 0, active_.id(s));
    for (int s = 0; s < candidates_.size(); ++s)
      ranked.emplace_back(candidates_.At(s, 0), 1, candidates_.id(s));
    std::sort(ranked.begin(), ranked.end());
    active_.Clear();
    candidates_.Clear();
    for (const auto& [loss, newcomer, id] : ranked) {
      if (active_.full()) break;
      active_.Add(id);
    }
    return;
  }
  // Baseline rule: incumbents stay unless the algorithm beat them by theta.
  for (int s = active_.size() - 1; s >= 0; --s)
    if (active_.At(s, 0) > alg_epoch_loss_ + theta_) active_.Remove(s);
  // Candidates that beat the algorithm by theta take free slots in random
  // order (not best first: ranking newcomers by their epoch record is
  // leader selection again). When the pool is full, a qualified candidate
  // may displace the worst incumbent that did not beat the algorithm this
  // epoch, if it beat that incumbent by theta too.
  std::vector<std::pair<double, int>> qualified;
  for (int s = 0; s < candidates_.size(); ++s)
    if (candidates_.At(s, 0) <= alg_epoch_loss_ - theta_)
      qualified.emplace_back(candidates_.At(s, 0), candidates_.id(s));
  Shuffle(rng_, qualified);
  candidates_.Clear();
  // Incumbents that beat the algorithm are protected this epoch; newcomers
  // are protected by construction (they beat it by theta).
  std::vector<char> exposed(active_.size());
  for (int s = 0; s < active_.size(); ++s) exposed[s] = active_.At(s, 0) >= alg_epoch_loss_;
  for (const auto& [loss, id] : qualified) {
    if (active_.full()) {
      int worst = -1;
      for (int s = 0; s < active_.size(); ++s)
        if (exposed[s] && (worst < 0 || active_.At(s, 0) > active_.At(worst, 0))) worst = s;
      if (worst < 0 || active_.At(worst, 0) < loss + theta_) continue;
      // Remove moves the last slot into `worst`: mirror it in `exposed`.
      exposed[worst] = exposed.back();
      exposed.pop_back();
      active_.Remove(worst);
    }
    const int slot = active_.Add(id);
    active_.At(slot, 0) = loss;
    exposed.push_back(0);
    (void)slot;
  }
}

EXPERTLAB_REGISTER(ExpertsLearner, BaselinePool, "baseline_pool",
                   "PZ23-inspired single-scale pool: Hedge on an active pool, candidates on "
                   "probation, keep iff the algorithm did not beat it (or leader selection)",
                   {ParamSpec::Int("memory", 16, Bounds::Closed(1, 1 << 30),
                                   "memory S in words (active + candidates)"),
                    ParamSpec::AutoDouble("epoch", Bounds::AtLeast(1),
                                          "epoch length B in days; auto = (T m / n)^(2/3)"),
                    ParamSpec::Choice("rule", "beat", {"beat", "leader"},
                                      "beat: keep iff not beaten by the algorithm; leader: "
                                      "keep the epoch's top k"),
                    ParamSpec::Double("margin", 0.5, Bounds::Positive(),
                                      "theta = margin * sqrt(B ln(S T))"),
                    ParamSpec::Double("active_fraction", 0.25, Bounds::Open(0.0, 1.0),
                                      "share of S for the active pool")})

}  // namespace expertlab::experts
