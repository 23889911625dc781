// Best-expert: max-search with elimination over budget-capped Compares.
// Saad, Verzelen & Carpentier, "Active Ranking of Experts Based on their
// Performances in Many Tasks" (ICML 2023), Algorithm 4 ("a Max-search
// variant").
//
// RECONSTRUCTION of the pairing rule (the paper's could not be read): in
// round r = 1, 2, ..., a champion (the first survivor) is compared in turn
// with every other survivor by Compare capped at r rounds (budget <= 2^r) at
// confidence delta / (2 r^2 (n - 1)); the loser of a decided comparison is
// eliminated (a beaten champion is replaced by its winner), an undecided one
// survives to the next round. It stops with one survivor. At most n - 1
// comparisons per round, so the error is at most delta pi^2 / 12 < delta.
// Capping lets easy eliminations finish before hard ones, so an expert far
// below the best is never paid for at the price of the closest pair: the
// target cost is sum over i != i* of H_{i*, i}.
//
// Goals: best only.
//
// Parameters
//   max_gap  > 0   largest gap Compare guesses (default 1)
#pragma once

#include <vector>

#include "algorithms/ranking/compare.h"

namespace expertlab::ranking {

class BestExpert final : public ComparePolicy {
 public:
  explicit BestExpert(const Params& params) : ComparePolicy(params) {}
  bool Solves(Goal goal) const override { return goal == Goal::kBest; }
  std::vector<int> Solve(Goal goal, Querier& querier, double delta, Rng& rng) override;
};

}  // namespace expertlab::ranking
