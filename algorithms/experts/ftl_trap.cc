#include "algorithms/experts/ftl_trap.h"

#include "sim/registry.h"

namespace expertlab::experts {

void FtlTrap::Start(int num_experts, int64_t /*horizon*/, Rng /*rng*/) {
  EXPERTLAB_CHECK(num_experts >= 2) << "ftl_trap needs n >= 2 experts, got " << num_experts;
}

double FtlTrap::Loss(int64_t day, int expert) const {
  if (expert >= 2) return 1.0;
  if (day == 1) return expert == 0 ? 0.5 : 0.0;
  const bool even = day % 2 == 0;
  return (expert == 0) == even ? 0.0 : 1.0;
}

void FtlTrap::Fill(int64_t day, Eigen::ArrayXd& losses) const {
  losses.setOnes();
  losses[0] = Loss(day, 0);
  losses[1] = Loss(day, 1);
}

EXPERTLAB_REGISTER(LossSequence, FtlTrap, "ftl_trap",
                   "alternating (1/2,0),(0,1),(1,0),... sequence: FTL's "
                   "regret is linear",
                   {})

}  // namespace expertlab::experts
