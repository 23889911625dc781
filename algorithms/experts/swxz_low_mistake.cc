#include "algorithms/experts/swxz_low_mistake.h"

#include <algorithm>
#include <cmath>

#include "sim/registry.h"

namespace expertlab::experts {

SwxzLowMistake::SwxzLowMistake(const Params& params)
    : memory_(params.Int("memory")),
      fixed_delta_(params.AutoDouble("delta")),
      c_(params.Double("c")),
      naive_(params.String("rule") == "naive") {}

void SwxzLowMistake::Start(int num_experts, int64_t horizon, Rng rng) {
  CheckMemoryBudget("swxz_low_mistake", memory_, num_experts);
  num_experts_ = num_experts;
  const double n = static_cast<double>(num_experts);
  const double log2n = std::log2(std::max(n, 2.0));
  delta_ = fixed_delta_
               ? *fixed_delta_
               : std::clamp(c_ * n * log2n * log2n /
                                (static_cast<double>(memory_) * static_cast<double>(horizon)),
                            1e-12, 0.5);
  threshold_ = naive_ ? 1 - delta_ : delta_ / (8 * log2n);
  rng_ = std::move(rng);
  pool_.Reset(static_cast<int>(memory_), 1);
  pools_sampled_ = 0;
  Refill();
}

void SwxzLowMistake::Refill() {
  pool_.Clear();
  pool_.AddFresh(static_cast<int>(memory_), num_experts_, rng_);
  age_ = 0;
  ++pools_sampled_;
}

int SwxzLowMistake::Act() {
  return pool_.id(static_cast<int>(rng_.UniformInt(static_cast<uint64_t>(pool_.size()))));
}

double SwxzLowMistake::ExpectedLoss(const LossView& losses) const {
  double total = 0;
  for (int s = 0; s < pool_.size(); ++s) total += losses[pool_.id(s)];
  return total / pool_.size();
}

void SwxzLowMistake::Observe(const LossView& losses) {
  ++age_;
  const double allowed = threshold_ * static_cast<double>(age_);
  for (int s = pool_.size() - 1; s >= 0; --s) {
    double& errors = pool_.At(s, 0);
    errors += losses[pool_.id(s)];
    if (errors > allowed) pool_.Remove(s);
  }
  if (pool_.size() == 0) Refill();
}

EXPERTLAB_REGISTER(
    ExpertsLearner, SwxzLowMistake, "swxz_low_mistake",
    "SWXZ22 low-mistake pool: follow a random member, delete on error rate "
    "> delta/(8 log n), resample when empty",
    {ParamSpec::Int("memory", 16, Bounds::Closed(1, 1 << 30), "memory S in words (pool size k)"),
     ParamSpec::AutoDouble("delta", Bounds{0.0, 0.5, true, false},
                           "target average regret; auto from k = c n log2^2 "
                           "n/(delta T)"),
     ParamSpec::Double("c", 1.0, Bounds::Positive(), "constant in the pool size formula"),
     ParamSpec::Choice("rule", "swxz", {"swxz", "naive"},
                       "deletion rule: error rate > delta/(8 log2 n), or the "
                       "naive > 1 - delta")})

}  // namespace expertlab::experts
