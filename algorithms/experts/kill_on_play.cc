#include "algorithms/experts/kill_on_play.h"

#include <algorithm>
#include <cmath>

#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::experts {

KillOnPlay::KillOnPlay(const Params& params)
    : fixed_window_(params.AutoDouble("window")), fixed_reserve_(params.AutoDouble("reserve")) {
  EXPERTLAB_CHECK(!fixed_window_ || *fixed_window_ >= 1)
      << "kill_on_play: window must be auto or >= 1, got " << *fixed_window_;
  EXPERTLAB_CHECK(!fixed_reserve_ || *fixed_reserve_ >= 1)
      << "kill_on_play: reserve must be auto or >= 1, got " << *fixed_reserve_;
}

void KillOnPlay::Start(int num_experts, int64_t /*horizon*/, Rng rng) {
  const auto root_n = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(num_experts))));
  window_ = fixed_window_ ? static_cast<int64_t>(*fixed_window_) : root_n;
  reserve_size_ = fixed_reserve_ ? static_cast<int64_t>(*fixed_reserve_) : root_n;
  EXPERTLAB_CHECK(reserve_size_ <= num_experts)
      << "kill_on_play: reserve " << reserve_size_ << " exceeds n = " << num_experts;
  reserve_.assign(num_experts, 0);
  for (uint64_t i : SampleWithoutReplacement(rng, static_cast<uint64_t>(num_experts),
                                             static_cast<uint64_t>(reserve_size_)))
    reserve_[i] = 1;
  dead_until_.assign(num_experts, 0);
}

EXPERTLAB_REGISTER(LossSequence, KillOnPlay, "kill_on_play",
                   "adaptive: a played expert loses 1 for W days; r reserve "
                   "experts lose 0 otherwise, the rest always 1",
                   {ParamSpec::AutoDouble("window", Bounds::AtLeast(1), "W; auto = ceil(sqrt n)"),
                    ParamSpec::AutoDouble("reserve", Bounds::AtLeast(1),
                                          "r reserve experts; auto = "
                                          "ceil(sqrt n)")})

}  // namespace expertlab::experts
