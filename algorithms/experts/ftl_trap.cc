#include "algorithms/experts/ftl_trap.h"

#include "sim/registry.h"

namespace expertlab::experts {

void FtlTrap::Start(int num_experts, int64_t /*horizon*/, Rng /*rng*/) {
  EXPERTLAB_CHECK(num_experts >= 2)
      << "ftl_trap needs n >= 2 experts, got " << num_experts;
}

void FtlTrap::Next(int64_t day, Eigen::ArrayXd& losses) {
  losses.setOnes();
  if (day == 1) {
    losses[0] = 0.5;
    losses[1] = 0.0;
  } else {
    const bool even = day % 2 == 0;
    losses[0] = even ? 0.0 : 1.0;
    losses[1] = even ? 1.0 : 0.0;
  }
}

EXPERTLAB_REGISTER(LossSequence, FtlTrap, "ftl_trap",
                   "alternating (1/2,0),(0,1),(1,0),... sequence: FTL's "
                   "regret is linear",
                   {})

}  // namespace expertlab::experts
