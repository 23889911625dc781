#include "algorithms/experts/pool_cycling.h"

#include <algorithm>

#include "algorithms/experts/pool.h"
#include "sim/registry.h"

namespace expertlab::experts {

PoolCycling::PoolCycling(const Params& params)
    : memory_(params.Int("memory")), err_threshold_(params.Double("err_threshold")) {}

void PoolCycling::Start(int num_experts, int64_t /*horizon*/, Rng /*rng*/) {
  CheckMemoryBudget("pool_cycling", memory_, num_experts);
  num_experts_ = num_experts;
  blocks_visited_ = 0;
  EnterBlock(0);
}

void PoolCycling::EnterBlock(int first) {
  first_ = first;
  block_size_ = static_cast<int>(std::min<int64_t>(memory_, num_experts_ - first));
  alive_.assign(block_size_, 1);
  current_ = first_;
  ++blocks_visited_;
}

void PoolCycling::Observe(const LossView& losses) {
  int next = -1;
  for (int k = 0; k < block_size_; ++k) {
    if (!alive_[k]) continue;
    if (losses[first_ + k] >= err_threshold_) {
      alive_[k] = 0;
    } else if (next < 0) {
      next = first_ + k;
    }
  }
  if (next >= 0) {
    current_ = next;
  } else {
    const int after = first_ + block_size_;
    EnterBlock(after >= num_experts_ ? 0 : after);
  }
}

EXPERTLAB_REGISTER(ExpertsLearner, PoolCycling, "pool_cycling",
                   "deterministic: follow a block of S ids, delete experts on "
                   "error, next block when empty (WZZ23)",
                   {ParamSpec::Int("memory", 16, Bounds::Closed(1, 1 << 30),
                                   "memory S in words (block size)"),
                    ParamSpec::Double("err_threshold", 0.5, Bounds{0.0, 1.0, true, false},
                                      "a loss >= this counts as an error")})

}  // namespace expertlab::experts
