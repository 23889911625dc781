// Successive elimination on row means for best-expert identification
// (Even-Dar, Mannor & Mansour, "Action elimination and stopping conditions
// for the multi-armed bandit and reinforcement learning problems", JMLR
// 2006, Alg. 3), with pulling an expert = querying it on a uniformly random
// task (row_means.h).
//
// Each round draws one task and queries every surviving expert on it (the
// shared task makes the survivors' estimates move together, which only
// helps the comparisons), then eliminates every expert whose upper bound
// mu_hat + RowMeanRadius falls below the largest lower bound. It stops with
// one survivor. With probability >= 1 - delta every interval holds, so the
// best expert is never eliminated.
//
// Goals: best only.
//
// Parameters
//   range  > 0   bound on the spread of an expert's means across tasks
//                (default 1; set it to the instance's, e.g. (n - 1) h for
//                stacked gaps)
#pragma once

#include <vector>

#include "algorithms/ranking/row_means.h"

namespace expertlab::ranking {

class SuccessiveElimination final : public RowMeanPolicy {
 public:
  explicit SuccessiveElimination(const Params& params) : RowMeanPolicy(params) {}
  std::vector<int> Solve(Goal goal, Querier& querier, double delta, Rng& rng) override;
};

}  // namespace expertlab::ranking
