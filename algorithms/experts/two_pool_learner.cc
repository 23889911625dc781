#include "algorithms/experts/two_pool_learner.h"

namespace expertlab::experts {

void TwoPoolLearner::HeldExperts(int, std::vector<int>& out) const {
  out = active_.ids();
  out.insert(out.end(), candidates_.ids().begin(), candidates_.ids().end());
}

void HedgeOnActivePool::Reweigh() { total_ = PoolWeights(active_, 0, eta_, weights_); }

int HedgeOnActivePool::Act() {
  if (active_.size() > 0) return active_.id(SampleLinear(weights_, total_, rng_.Uniform()));
  // Nothing admitted yet: follow a uniformly random candidate.
  return candidates_.id(
      static_cast<int>(rng_.UniformInt(static_cast<uint64_t>(candidates_.size()))));
}

double HedgeOnActivePool::ExpectedLoss(const LossView& losses) const {
  double total = 0;
  if (active_.size() > 0) {
    for (int s = 0; s < active_.size(); ++s) total += weights_[s] * losses[active_.id(s)];
    return total / total_;
  }
  for (int s = 0; s < candidates_.size(); ++s) total += losses[candidates_.id(s)];
  return total / candidates_.size();
}

}  // namespace expertlab::experts
