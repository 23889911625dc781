// Active ranking by Borda scores: the AR algorithm of Heckel, Shah,
// Ramchandran & Wainwright, "Active ranking from pairwise comparisons and
// when parametric assumptions do not help" (Annals of Statistics 2019,
// Section 3), for the full ranking, with "i beats j" = a comparison of the
// two experts on one uniformly random task (two queries; ties broken by a
// fair coin).
//
// Expert i's Borda score is tau_i = mean over j != i of P(i beats j); under
// monotonicity tau orders the experts as M does (beating every opponent is
// at least as likely for the better of two experts). Each round compares
// every active expert with an opponent drawn uniformly among the others and
// updates its estimated score; after t rounds the estimates are within
// alpha_t = sqrt(ln(4 n t^2 / delta) / (2 t)) of the scores for every
// expert and round with probability >= 1 - delta pi^2 / 12 (Hoeffding and
// a union bound, in place of the paper's law-of-the-iterated-logarithm
// radius). An expert whose interval is disjoint from every other expert's
// interval has a known rank: it leaves the active set (its estimate and
// radius frozen). It stops when no expert is active.
//
// Goals: ranking only. No parameters.
#pragma once

#include <vector>

#include "algorithms/ranking/policy.h"
#include "sim/params.h"

namespace expertlab::ranking {

class HeckelAr final : public RankingPolicy {
 public:
  explicit HeckelAr(const Params& /*params*/) {}
  bool Solves(Goal goal) const override { return goal == Goal::kRanking; }
  std::vector<int> Solve(Goal goal, Querier& querier, double delta, Rng& rng) override;
};

// One comparison of experts i and j on a uniformly random task: 1 if i
// wins (ties by a fair coin), 0 otherwise. Two queries.
double BeatsOnRandomTask(Querier& querier, int i, int j, Rng& rng);

}  // namespace expertlab::ranking
