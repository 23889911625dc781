#include "algorithms/experts/leader_trap.h"

#include "algorithms/experts/kernels.h"
#include "sim/registry.h"

namespace expertlab::experts {

LeaderTrap::LeaderTrap(const Params& params)
    : window_(params.Int("window")), delta_(params.Double("delta")) {}

void LeaderTrap::Start(int num_experts, int64_t /*horizon*/, Rng rng) {
  EXPERTLAB_CHECK(num_experts >= 2) << "leader_trap needs n >= 2 experts, got " << num_experts;
  planted_ = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(num_experts)));
  key_ = rng.NextU64();
}

bool LeaderTrap::Hot(int64_t day, int expert) const {
  const uint64_t phase = Mix64(key_ ^ static_cast<uint64_t>(expert)) % 3u;
  const uint64_t window = static_cast<uint64_t>((day - 1) / window_);
  return (window + phase) % 3u == 0;
}

double LeaderTrap::Loss(int64_t day, int expert) const {
  if (expert == planted_)
    return BitsToUniform(CellBits(key_ + 1, static_cast<uint64_t>(day), 0)) < 0.5 - delta_ ? 1.0
                                                                                         : 0.0;
  return Hot(day, expert) ? 0.0 : 1.0;
}

EXPERTLAB_REGISTER(LossSequence, LeaderTrap, "leader_trap",
                   "decoys cycle one perfect and two all-loss windows of W days, "
                   "i* steady at 1/2 - delta: traps leader-selection pools",
                   {ParamSpec::Int("window", 256, Bounds::Closed(1, int64_t{1} << 40),
                                   "window length W in days (= learners' "
                                   "epoch)"),
                    ParamSpec::Double("delta", 0.1, Bounds::Open(0.0, 0.5), "advantage of i*")})

}  // namespace expertlab::experts
