// Uniform (round-robin) sampling: every (expert, task) pair is queried
// equally often, and the experts are ranked by their row means once the
// confidence intervals separate. The naive baseline of active ranking (the
// Borda-type averages over tasks that Saad, Verzelen & Carpentier, ICML
// 2023, contrast with active sampling); it is costly when gaps are sparse,
// since a gap of h on s of d tasks moves a row mean by only s h / d.
//
// Passes come in batches: after t passes (each query of a pass repeated),
// the next batch has max(1, floor(t / 8)) passes, so there are O(log t)
// checks. After c checks and t passes, expert i's row mean estimate (noise
// sub-Gaussian with variance proxy 1/(d t)) lies within
// w = sqrt(2 ln(4 n c^2 / delta) / (d t)) of its row mean for all i and c
// with probability >= 1 - delta pi^2 / 12 (union over experts and checks).
// It stops when, in the order of the estimates, every adjacent pair's
// intervals are disjoint (goal ranking) or the first expert's interval is
// above every other's (goal best).
//
// Goals: ranking, best. No parameters.
#pragma once

#include <vector>

#include "algorithms/ranking/policy.h"
#include "sim/params.h"

namespace expertlab::ranking {

class Uniform final : public RankingPolicy {
 public:
  explicit Uniform(const Params& /*params*/) {}
  bool Solves(Goal /*goal*/) const override { return true; }
  std::vector<int> Solve(Goal goal, Querier& querier, double delta, Rng& rng) override;
};

// The experts sorted by decreasing estimate (ties by index), and whether
// intervals of half-width `radius[i]` separate them as `goal` needs.
struct Separation {
  std::vector<int> order;
  bool separated = false;
};
Separation SeparateByIntervals(const std::vector<double>& estimate,
                               const std::vector<double>& radius, Goal goal);

}  // namespace expertlab::ranking
