#include "algorithms/trees/oracle.h"

#include "algorithms/trees/meta_cmab.h"
#include "sim/registry.h"

namespace expertlab::trees {

void RegionOracle::Start(const Problem& problem, Rng rng) {
  models_.assign(static_cast<size_t>(problem.regions),
                 AdviceLinUcb(problem.experts, problem.classes, explore_, ridge_));
  rng_ = rng;
}

int RegionOracle::Choose(const RoundView& round) {
  models_.at(static_cast<size_t>(round.region)).Greedy(round.advice, tied_);
  return PickTied(tied_, rng_);
}

void RegionOracle::Observe(const RoundView& round, int arm, double reward) {
  models_[static_cast<size_t>(round.region)].Update(round.advice, arm, reward);
}

EXPERTLAB_REGISTER(AdviceLearner, RegionOracle, "oracle",
                   "region oracle: one Meta-CMAB per true expertise region", (MetaCmabParams()));

}  // namespace expertlab::trees
