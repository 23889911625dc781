// Active-ranking: binary insertion sort of the experts, each comparison a
// sparsity-adaptive Compare (compare.h). Saad, Verzelen & Carpentier,
// "Active Ranking of Experts Based on their Performances in Many Tasks"
// (ICML 2023), Algorithm 3.
//
// RECONSTRUCTION of the details: the experts are inserted in a uniformly
// random order, each by binary search in the current list; every Compare
// runs at confidence delta / ((n - 1) ceil(log2 n)), which bounds the number
// of comparisons, so the returned ranking is exact with probability at least
// 1 - delta. By monotonicity, comparing an expert with a more distant one is
// entrywise easier than with its true neighbour (H_ac <= H_ab when a > b >
// c), so every comparison made while inserting e costs at most the H of e
// and one of its true neighbours: the total is within 2 log2(n) times the
// sum of adjacent H, up to Compare's log factors.
//
// Goals: ranking only.
//
// Parameters
//   max_gap  > 0   largest gap Compare guesses (default 1)
#pragma once

#include <vector>

#include "algorithms/ranking/compare.h"

namespace expertlab::ranking {

class ActiveRanking final : public ComparePolicy {
 public:
  explicit ActiveRanking(const Params& params) : ComparePolicy(params) {}
  bool Solves(Goal goal) const override { return goal == Goal::kRanking; }
  std::vector<int> Solve(Goal goal, Querier& querier, double delta, Rng& rng) override;
};

// Confidence of each Compare of a binary insertion sort of n experts:
// delta / ((n - 1) ceil(log2 n)).
double InsertionCompareDelta(int n, double delta);

}  // namespace expertlab::ranking
