#include "algorithms/experts/pool_booster.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "algorithms/experts/pool.h"
#include "sim/registry.h"
#include "sim/spec.h"

namespace expertlab::experts {
namespace {

// Each copy draws from its own stream: forked from the booster's, so copies
// are independent of each other and of the outer Hedge's draws.
constexpr uint64_t kBoosterCopyStreamBase = 0xB0057;
// Words of the smallest copy: one active slot and three candidates.
constexpr int64_t kMinCopyWords = 4;

}  // namespace

PoolBooster::PoolBooster(const Params& params)
    : memory_(params.Int("memory")),
      base_epoch_(params.Int("base_epoch")),
      fixed_scales_(params.AutoDouble("scales")),
      margin_(params.Double("margin")),
      active_fraction_(params.Double("active_fraction")) {
  EXPERTLAB_CHECK(!fixed_scales_ || *fixed_scales_ >= 1)
      << "pool_booster: scales must be auto or >= 1, got " << *fixed_scales_;
}

void PoolBooster::Start(int num_experts, int64_t horizon, Rng rng) {
  CheckMemoryBudget("pool_booster", memory_, num_experts);
  EXPERTLAB_CHECK(memory_ >= kMinCopyWords + 1)
      << "pool_booster needs memory S >= " << kMinCopyWords + 1
      << " (one outer statistic and " << kMinCopyWords << " words for a copy), got " << memory_;
  // Scales: the doublings of B_0 up to T/4, or the J asked for. Each copy
  // needs kMinCopyWords (one active slot and three candidates: with fewer
  // than two candidates, a copy whose active pool is empty plays its only
  // candidate, which then can never beat the algorithm), so when the
  // doublings do not all fit, the copies keep the longest epoch and step
  // down from it by 2^step (the shortest epochs, which detect only large
  // gaps, are the ones thinned out).
  int doublings = 1;
  while (base_epoch_ << doublings <= std::max<int64_t>(horizon / 4, base_epoch_)) ++doublings;
  const int fit = static_cast<int>((memory_ + 1) / (kMinCopyWords + 1));
  int scales = 0;
  if (fixed_scales_) {
    scales = static_cast<int>(*fixed_scales_);
    EXPERTLAB_CHECK(scales <= fit)
        << "pool_booster: scales = " << scales << " needs memory S >= "
        << static_cast<int64_t>(scales) * (kMinCopyWords + 1) << ", got " << memory_;
  } else {
    scales = std::max(1, std::min(doublings, fit));
  }
  step_ = scales > 1 ? std::max(1, (doublings - 1) / (scales - 1)) : 1;
  top_epoch_ = base_epoch_ << (doublings - 1);
  num_scales_ = scales;
  copy_memory_ = (memory_ - scales) / scales;
  copies_.clear();
  for (int j = 0; j < scales; ++j) {
    const std::string spec = "baseline_pool(memory=" + std::to_string(copy_memory_) +
                             ", epoch=" + std::to_string(Epoch(j)) +
                             ", margin=" + SpecNumber(margin_) +
                             ", active_fraction=" + SpecNumber(active_fraction_) + ")";
    copies_.push_back(Registry<ExpertsLearner>::Instance().Create(spec));
    copies_.back()->Start(num_experts, horizon,
                          rng.Fork(kBoosterCopyStreamBase + static_cast<uint64_t>(j)));
  }
  eta_ = std::sqrt(8 * std::log(std::max(scales, 2)) / static_cast<double>(horizon));
  outer_.Reset(scales);
  today_.resize(scales);
  rng_ = std::move(rng);
}

int PoolBooster::Act() {
  return copies_[static_cast<size_t>(outer_.Sample(rng_.Uniform()))]->Act();
}

double PoolBooster::ExpectedLoss(const LossView& losses) const {
  double total = 0;
  for (size_t j = 0; j < copies_.size(); ++j)
    total += outer_.Probability(static_cast<int64_t>(j)) *
             copies_[j]->ExpectedLoss(LossView(losses, *copies_[j]));
  return total;
}

void PoolBooster::Observe(const LossView& losses) {
  for (size_t j = 0; j < copies_.size(); ++j) {
    const LossView own(losses, *copies_[j]);
    today_[static_cast<Eigen::Index>(j)] = copies_[j]->ExpectedLoss(own);
    copies_[j]->Observe(own);
  }
  outer_.Update(today_, eta_);
}

int64_t PoolBooster::MemoryWords() const {
  int64_t words = static_cast<int64_t>(copies_.size());
  for (const auto& copy : copies_) words += copy->MemoryWords();
  return words;
}

bool PoolBooster::Holds(int expert) const {
  return std::any_of(copies_.begin(), copies_.end(),
                     [expert](const auto& copy) { return copy->Holds(expert); });
}

void PoolBooster::HeldExperts(int num_experts, std::vector<int>& out) const {
  out.clear();
  std::vector<int> held;
  for (const auto& copy : copies_) {
    copy->HeldExperts(num_experts, held);
    out.insert(out.end(), held.begin(), held.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

ParamValues PoolBooster::EffectiveParams() const {
  return {{"scales", static_cast<double>(copies_.size())},
          {"copy_memory", static_cast<double>(copy_memory_)},
          {"epoch_ratio", static_cast<double>(int64_t{1} << step_)},
          {"bottom_epoch", static_cast<double>(Epoch(0))},
          {"top_epoch", static_cast<double>(top_epoch_)},
          {"eta", eta_}};
}

EXPERTLAB_REGISTER(ExpertsLearner, PoolBooster, "pool_booster",
                   "PR23-inspired booster: J baseline pools at doubling epochs B0 2^j, S/J "
                   "words each, combined by an outer Hedge",
                   {ParamSpec::Int("memory", 48, Bounds::Closed(kMinCopyWords + 1, 1 << 30),
                                   "memory S in words (outer Hedge + copies)"),
                    ParamSpec::Int("base_epoch", 16, Bounds::Closed(1, 1 << 20),
                                   "B0, the shortest epoch when every doubling gets a copy"),
                    ParamSpec::AutoDouble("scales", Bounds::AtLeast(1),
                                          "J copies; auto = doublings of B0 up to T/4, at most (S+1)/5"),
                    ParamSpec::Double("margin", 0.5, Bounds::Positive(),
                                      "each copy's theta = margin * sqrt(B ln(S T))"),
                    ParamSpec::Double("active_fraction", 0.25, Bounds::Open(0.0, 1.0),
                                      "each copy's share of its words for the active pool")})

}  // namespace expertlab::experts
