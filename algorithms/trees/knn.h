// Nearest-neighbour Meta-CMAB, the naive approach of Abels, Lenaerts,
// Trianni & Nowé, "Expertise Trees Resolve Knowledge Limitations in
// Collective Decision-Making" (ICML 2023), as in the authors' code: at
// round t, take the k = max(1, floor(fraction t)) logged rounds whose
// contexts are nearest to x in Euclidean distance (every round tied with
// the k-th distance included), fit a fresh Meta-CMAB (advice_linucb.h) on
// them in time order, and act with it (ties uniform). No kernel or
// importance weighting.
//
// Cost: O(t g) for the distances (one vectorised pass over a g x t matrix)
// plus O(k (N+1)^2) for the fit: O(t) per round, O(T^2) in all, flat in R
// and g up to the distance pass.
//
// Parameters
//   fraction  double in (0, 1]  0.1  neighbourhood size as a fraction of t
//   explore   double >= 0       1    UCB width multiplier beta
//   ridge     double > 0        100  ridge alpha (A_0 = alpha I)
#pragma once

#include <Eigen/Core>
#include <vector>

#include "algorithms/trees/learner.h"
#include "sim/params.h"

namespace expertlab::trees {

class NearestNeighbours final : public AdviceLearner {
 public:
  explicit NearestNeighbours(const Params& params)
      : fraction_(params.Double("fraction")),
        explore_(params.Double("explore")),
        ridge_(params.Double("ridge")) {}
  void Start(const Problem& problem, Rng rng) override;
  int Choose(const RoundView& round) override;
  void Observe(const RoundView& round, int arm, double reward) override;

 private:
  double fraction_, explore_, ridge_;
  Problem problem_;
  Rng rng_{0, 0, 0, 0};
  Eigen::MatrixXd contexts_;  // g x capacity, one column per logged round
  Eigen::VectorXd distance_;
  std::vector<int> advice_, arms_, chosen_, tied_;
  std::vector<double> rewards_, sorted_;
  int64_t rounds_ = 0;
};

}  // namespace expertlab::trees
