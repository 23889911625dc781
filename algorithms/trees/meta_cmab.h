// Meta-CMAB: one context-blind AdviceLinUcb (advice_linucb.h) over the whole
// context space; the base learner and the runtime reference of Abels,
// Lenaerts, Trianni & Nowé, "Expertise Trees Resolve Knowledge Limitations
// in Collective Decision-Making" (ICML 2023). It cannot tell regions apart,
// so once expert quality flips between regions its average reward falls to
// about 1/2.
//
// Parameters
//   explore  double >= 0  1    UCB width multiplier beta
//   ridge    double > 0   100  ridge alpha (A_0 = alpha I)
#pragma once

#include <optional>

#include "algorithms/trees/advice_linucb.h"
#include "algorithms/trees/learner.h"
#include "sim/params.h"

namespace expertlab::trees {

// The (explore, ridge) parameter specs every Meta-CMAB-based learner takes,
// after the learner's own `specs`.
std::vector<ParamSpec> MetaCmabParams(std::vector<ParamSpec> specs = {});

class MetaCmab final : public AdviceLearner {
 public:
  explicit MetaCmab(const Params& params)
      : explore_(params.Double("explore")), ridge_(params.Double("ridge")) {}
  void Start(const Problem& problem, Rng rng) override;
  int Choose(const RoundView& round) override;
  void Observe(const RoundView& round, int arm, double reward) override;

 private:
  double explore_, ridge_;
  std::optional<AdviceLinUcb> model_;
  Rng rng_{0, 0, 0, 0};
  std::vector<int> tied_;
};

}  // namespace expertlab::trees
