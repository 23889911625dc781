// Hoeffding trees + Thompson sampling, the "TreeHeuristic" baseline of
// Abels, Lenaerts, Trianni & Nowé, "Expertise Trees Resolve Knowledge
// Limitations in Collective Decision-Making" (ICML 2023, in the authors'
// code): one regression tree per expert predicts the reward of following
// that expert given x; each round the learner draws Beta(wins + 1,
// losses + 1) from every expert's leaf for x, follows the expert with the
// largest draw, and updates only that expert's tree.
//
// The trees are Hoeffding trees (Domingos & Hulten, KDD 2000) for a 0/1
// target, grown as in FIMT-style regressors (Ikonomovska, Gama & Džeroski,
// DMKD 2011): a leaf's candidate split per feature is the median of its
// remaining decile grid (Problem::grid, as the Expertise Tree's); its merit
// is the variance reduction; every `grace` rounds a leaf splits on the best
// feature when the second best's merit over the best's is below 1 - eps,
// eps = sqrt(ln(1 / confidence) / (2 n)), or when eps < tie. Children start
// from the split side's counts. (A reconstruction: the authors used a
// patched scikit-multiflow regressor whose internals were not reproduced.)
//
// Parameters
//   confidence  double in (0, 1)  1e-7  delta of the Hoeffding bound
//   tie         double >= 0       0.05  split anyway once eps < tie
//   grace       int >= 1          1     rounds between split checks of a leaf
#pragma once

#include <memory>
#include <vector>

#include "algorithms/trees/learner.h"
#include "sim/params.h"

namespace expertlab::trees {

class HoeffdingTs final : public AdviceLearner {
 public:
  explicit HoeffdingTs(const Params& params);
  ~HoeffdingTs() override;
  void Start(const Problem& problem, Rng rng) override;
  int Choose(const RoundView& round) override;
  void Observe(const RoundView& round, int arm, double reward) override;

 private:
  struct Leaf;
  Leaf& Find(Leaf& root, std::span<const double> context) const;
  void Learn(Leaf& leaf, std::span<const double> context, double reward) const;

  double confidence_, tie_;
  int64_t grace_;
  Problem problem_;
  std::vector<std::unique_ptr<Leaf>> trees_;  // one per expert
  Rng rng_{0, 0, 0, 0};
  int followed_ = 0;
};

}  // namespace expertlab::trees
