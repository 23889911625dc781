#include "algorithms/experts/multiscale_pool.h"

#include <algorithm>
#include <cmath>

#include "sim/registry.h"

namespace expertlab::experts {

MultiscalePool::MultiscalePool(const Params& params)
    : HedgeOnActivePool(params.Int("memory")),
      base_epoch_(params.Int("base_epoch")),
      margin_(params.Double("margin")),
      active_fraction_(params.Double("active_fraction")) {}

void MultiscalePool::Start(int num_experts, int64_t horizon, Rng rng) {
  CheckMemoryBudget("multiscale_pool", memory_, num_experts);
  EXPERTLAB_CHECK(memory_ >= 2)
      << "multiscale_pool needs memory S >= 2 (one active, one candidate)";
  num_experts_ = num_experts;
  rng_ = std::move(rng);
  const int s = static_cast<int>(memory_);
  const int k = std::clamp(static_cast<int>(s * active_fraction_), 1, s - 1);
  const int m = s - k;
  const double t = static_cast<double>(horizon);
  eta_ = std::sqrt(8 * std::log(std::max(k, 2)) / t);
  evict_gap_ = std::log(static_cast<double>(k) * t + 1) / eta_;
  log_st_ = std::log(static_cast<double>(s) * t + 1);
  active_.Reset(k, 1);
  candidates_.Reset(m, 1);
  window_ = base_epoch_;
  sweep_windows_ = (num_experts - k + m - 1) / m;
  quiet_windows_ = 0;
  admissions_ = 0;
  StartWindow();
  Reweigh();
}

void MultiscalePool::StartWindow() {
  candidates_.Clear();
  candidates_.AddFresh(candidates_.capacity(), num_experts_, rng_, {&active_});
  window_day_ = 0;
  alg_window_loss_ = 0;
}

void MultiscalePool::Admit(int expert) {
  const double leader = active_.size() > 0 ? active_.Stat(0).minCoeff() : 0.0;
  if (active_.full()) {
    Eigen::Index worst = 0;
    const double worst_loss = active_.Stat(0).maxCoeff(&worst);
    if (worst_loss <= leader) return;  // everyone is a leader: keep them
    active_.Remove(static_cast<int>(worst));
  }
  const int slot = active_.Add(expert);
  active_.At(slot, 0) = leader;
  ++admissions_;
}

void MultiscalePool::EndWindow() {
  const double theta = margin_ * std::sqrt(static_cast<double>(window_) * log_st_);
  std::vector<std::pair<double, int>> qualified;
  for (int s = 0; s < candidates_.size(); ++s)
    if (candidates_.At(s, 0) <= alg_window_loss_ - theta)
      qualified.emplace_back(candidates_.At(s, 0), candidates_.id(s));
  std::sort(qualified.begin(), qualified.end());
  candidates_.Clear();
  const int64_t before = admissions_;
  for (const auto& [loss, id] : qualified) Admit(id);
  if (admissions_ > before) {
    quiet_windows_ = 0;
  } else if (++quiet_windows_ >= sweep_windows_) {
    window_ *= 2;  // a whole sweep found nobody at this scale
    quiet_windows_ = 0;
  }
}

void MultiscalePool::Observe(const LossView& losses) {
  alg_window_loss_ += ExpectedLoss(losses);
  for (int s = 0; s < active_.size(); ++s) active_.At(s, 0) += losses[active_.id(s)];
  for (int s = 0; s < candidates_.size(); ++s) candidates_.At(s, 0) += losses[candidates_.id(s)];
  // Members whose weight is negligible leave (frees room for newcomers).
  if (active_.size() > 1) {
    const double leader = active_.Stat(0).minCoeff();
    for (int s = active_.size() - 1; s >= 0; --s)
      if (active_.At(s, 0) - leader > evict_gap_) active_.Remove(s);
  }
  if (++window_day_ >= window_) {
    EndWindow();
    StartWindow();
  }
  Reweigh();
}

EXPERTLAB_REGISTER(ExpertsLearner, MultiscalePool, "multiscale_pool",
                   "PR23-inspired multi-scale pool: candidates on probation, window doubling "
                   "after a fruitless sweep, one continuously weighted active pool",
                   {ParamSpec::Int("memory", 16, Bounds::Closed(2, 1 << 30),
                                   "memory S in words (active + candidates)"),
                    ParamSpec::Int("base_epoch", 16, Bounds::Closed(1, 1 << 30),
                                   "first probation window B0 in days"),
                    ParamSpec::Double("margin", 0.5, Bounds::Positive(),
                                      "theta = margin * sqrt(B ln(S T))"),
                    ParamSpec::Double("active_fraction", 0.5, Bounds::Open(0.0, 1.0),
                                      "share of S for the active pool")})

}  // namespace expertlab::experts
