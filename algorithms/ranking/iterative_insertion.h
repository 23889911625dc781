// Iterative insertion ranking from noisy comparisons, after Ren, Liu &
// Shroff, "On Sample Complexity Upper and Lower Bounds for Exact Ranking
// from Noisy Comparisons" (NeurIPS 2019, Iterative-Insertion-Ranking built
// on Iterative-Attempting-Insertion), with "i beats j" = a comparison of two
// experts on one uniformly random task (heckel_ar.h).
//
// RECONSTRUCTION (from the paper's description, not its pseudo-code): each
// expert, in random order, is inserted into the ranked list by attempts at
// accuracy eps = 2^-k, k = 1, 2, ... An attempt is a noisy binary search
// with backtracking over the list's insertion positions (Feige, Raghavan,
// Peleg & Upfal, SIAM J. Comput. 1994): a node is an interval of positions;
// the walk checks the node against its boundary experts (back to the
// parent if the new expert does not fit), then descends by the middle
// expert, or counts a visit at a leaf. Walk comparisons are cheap: m =
// ceil(2 ln(10) / eps^2) duels, answer when the win rate is beyond
// 1/2 +- eps/2, "unsure" otherwise. After 2 ceil(log2(len + 1)) + 8 steps
// the attempt proposes the leaf it stands on, and only that position is
// verified at high confidence: two tests with m = ceil(2 ln(1/delta_v) /
// eps^2) duels each, delta_v = delta / (4 (n - 1) k^2), which pass only if
// the expert beats its lower neighbour and loses to its upper one by a win
// rate beyond eps/2 (Hoeffding: a wrong pass has probability <= delta_v).
// Failed attempts move to the next k. Errors sum to <= delta pi^2 / 12:
// only the 2 verifications per attempt pay the log(n / delta) factor, not
// every comparison of the search (the log n factor binary insertion at
// confidence delta / (n log n) pays).
//
// Goals: ranking only. No parameters.
#pragma once

#include <vector>

#include "algorithms/ranking/policy.h"
#include "sim/params.h"

namespace expertlab::ranking {

class IterativeInsertion final : public RankingPolicy {
 public:
  explicit IterativeInsertion(const Params& /*params*/) {}
  bool Solves(Goal goal) const override { return goal == Goal::kRanking; }
  std::vector<int> Solve(Goal goal, Querier& querier, double delta, Rng& rng) override;
};

}  // namespace expertlab::ranking
