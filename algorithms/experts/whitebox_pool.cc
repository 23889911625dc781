#include "algorithms/experts/whitebox_pool.h"

#include "algorithms/experts/kernels.h"
#include "algorithms/experts/learner.h"
#include "sim/registry.h"

namespace expertlab::experts {

void WhiteboxPool::Start(int num_experts, int64_t /*horizon*/, Rng rng) {
  num_experts_ = num_experts;
  key_ = rng.NextU64();
  held_.assign(num_experts, 0);
}

void WhiteboxPool::BeginDay(int64_t /*day*/, const ExpertsLearner& learner) {
  for (int i : scratch_) held_[i] = 0;
  learner.HeldExperts(num_experts_, scratch_);
  for (int i : scratch_) held_[i] = 1;
}

double WhiteboxPool::Loss(int64_t day, int expert) const {
  if (held_[expert]) return 1.0;
  if (!fair_) return 0.0;
  return BitsToUniform(CellBits(key_, static_cast<uint64_t>(day), static_cast<uint64_t>(expert))) <
                 0.5
             ? 1.0
             : 0.0;
}

EXPERTLAB_REGISTER(LossSequence, WhiteboxPool, "whitebox_pool",
                   "reads the learner's pool each morning: held experts lose "
                   "1, others 0 (or a fair coin)",
                   {ParamSpec::Choice("others", "zero", {"zero", "fair"},
                                      "losses of experts not held")})

}  // namespace expertlab::experts
