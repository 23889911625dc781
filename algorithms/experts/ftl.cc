#include "algorithms/experts/ftl.h"

#include "sim/registry.h"

namespace expertlab::experts {

void FollowTheLeader::Start(int num_experts, int64_t /*horizon*/, Rng /*rng*/) {
  num_experts_ = num_experts;
  words_ = num_experts;
  cumulative_ = Eigen::ArrayXd::Zero(num_experts);
  leader_ = 0;
}

void FollowTheLeader::Observe(const LossView& losses) {
  cumulative_ += losses.All();
  // minCoeff returns the first minimum: ties go to the smallest index.
  cumulative_.minCoeff(&leader_);
}

EXPERTLAB_REGISTER(ExpertsLearner, FollowTheLeader, "ftl",
                   "follow the leader: argmin of cumulative loss", {})

}  // namespace expertlab::experts
