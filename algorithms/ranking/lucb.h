// LUCB1 on row means for best-expert identification (Kalyanakrishnan,
// Tewari, Auer & Stone, "PAC subset selection in stochastic multi-armed
// bandits", ICML 2012, with m = 1 and epsilon = 0), pulling an expert =
// querying it on a uniformly random task (row_means.h).
//
// After one pull of every expert, each round takes the empirical leader l
// and the challenger c with the largest upper bound among the others; it
// stops when l's lower bound exceeds c's upper bound, otherwise pulls both.
// Bounds are mu_hat_i +- RowMeanRadius(u_i) with u_i the expert's own pulls
// (valid for all experts and counts at once with probability >= 1 - delta).
//
// Goals: best only.
//
// Parameters
//   range  > 0   bound on the spread of an expert's means across tasks
//                (default 1)
#pragma once

#include <vector>

#include "algorithms/ranking/row_means.h"

namespace expertlab::ranking {

class Lucb final : public RowMeanPolicy {
 public:
  explicit Lucb(const Params& params) : RowMeanPolicy(params) {}
  std::vector<int> Solve(Goal goal, Querier& querier, double delta, Rng& rng) override;
};

}  // namespace expertlab::ranking
