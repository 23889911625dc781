// The region oracle of Abels, Lenaerts, Trianni & Nowé, "Expertise Trees
// Resolve Knowledge Limitations in Collective Decision-Making" (ICML 2023):
// it knows each round's true expertise region and runs one Meta-CMAB
// (advice_linucb.h) per region, so it pays only each region's learning cost;
// the reference every other learner's regret is measured against.
//
// Parameters
//   explore  double >= 0  1    UCB width multiplier beta
//   ridge    double > 0   100  ridge alpha (A_0 = alpha I)
#pragma once

#include "algorithms/trees/advice_linucb.h"
#include "algorithms/trees/learner.h"
#include "sim/params.h"

namespace expertlab::trees {

class RegionOracle final : public AdviceLearner {
 public:
  explicit RegionOracle(const Params& params)
      : explore_(params.Double("explore")), ridge_(params.Double("ridge")) {}
  void Start(const Problem& problem, Rng rng) override;
  int Choose(const RoundView& round) override;
  void Observe(const RoundView& round, int arm, double reward) override;
  bool UsesRegions() const override { return true; }

 private:
  double explore_, ridge_;
  std::vector<AdviceLinUcb> models_;
  Rng rng_{0, 0, 0, 0};
  std::vector<int> tied_;
};

}  // namespace expertlab::trees
