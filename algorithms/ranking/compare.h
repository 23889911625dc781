// Compare: which of two experts is better, at fixed confidence delta,
// adapting to the unknown sparsity of their gap vector. The two-expert
// building block of Saad, Verzelen & Carpentier, "Active Ranking of Experts
// Based on their Performances in Many Tasks" (ICML 2023), on which their
// Algorithm 3 (Active-ranking) and Algorithm 4 (Best-expert) are built.
//
// RECONSTRUCTION: the paper's statement of this procedure and its constants
// could not be read; the structure (doubling budgets, a guessed sparsity
// level s and gap h, random search for an informative task, a fixed-
// confidence sign test) follows the paper's description, the schedule and
// constants below are ours.
//
// With Delta = M_i - M_j (entries of one sign under monotonicity) and
// |Delta|_(1) >= ... >= |Delta|_(d) its sorted absolute entries, the target
// cost is H_ij = min_s d / (s |Delta|_(s)^2) (theory/ranking_complexity.h).
//
// Round r = 1, 2, ... has budget B = 2^r and confidence delta_r =
// delta / (2 r^2) (sum over r: delta pi^2 / 12 < delta). Level l = 0, 1, ...,
// L - 1 (L = ceil(log2 d) + 1) guesses s = d / 2^l informative tasks of gap
// h with h^2 = d / (s B) = 2^l / B; a level whose guess exceeds max_gap is
// skipped (gaps are assumed <= max_gap; rescale M otherwise). A level draws
// m = 2^(l+1) = 2d/s tasks uniformly (with replacement) and samples each
// t = ceil(4 ln(K/delta_r) / h^2) times from both experts (2t queries),
// where K is the number of tests of the round; it returns sign(Y) as soon as
// the mean paired difference Y of a task has |Y| > sqrt(4 ln(K/delta_r) / t)
// (about h).
//
// Error: Y is (2/t)-sub-Gaussian around the task's gap, whose sign is the
// true one (or 0), so a test returns the wrong sign with probability at most
// exp(-t eps^2 / 4) = delta_r / K; a round errs with probability <= delta_r,
// the whole run with probability <= delta pi^2 / 12 < delta.
// Detection: at the level with s <= s* < 2s (s* the minimiser in H_ij) and
// B >= H_ij, each draw is an informative task that fires with probability
// >= s/(2d), so the level fires with probability >= 1 - 1/e; each level
// costs 8 ln(K/delta_r) B queries, so the expected total is
// O(H_ij log d log(d log(H_ij) / delta)).
//
// Options
//   max_round  stop after this round and return 0 (undecided); 0 = no cap
//   max_gap    largest gap guessed (default 1)
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/ranking/environment.h"
#include "algorithms/ranking/policy.h"
#include "sim/params.h"
#include "sim/rng.h"

namespace expertlab::ranking {

struct CompareOptions {
  int max_round = 0;
  double max_gap = 1.0;
};

// +1 if expert i is better than j, -1 if worse, 0 if undecided after
// options.max_round rounds. delta in (0, 1).
int Compare(Querier& querier, int i, int j, double delta, Rng& rng,
            const CompareOptions& options = {});

// The policies built on Compare (active_ranking, best_expert) share its one
// parameter, max_gap (> 0, default 1).
ParamSpec MaxGapParam();
class ComparePolicy : public RankingPolicy {
 protected:
  explicit ComparePolicy(const Params& params) : max_gap_(params.Double("max_gap")) {}
  CompareOptions Options(int max_round) const {
    return {.max_round = max_round, .max_gap = max_gap_};
  }

 private:
  double max_gap_;
};

// Number of levels L = ceil(log2 d) + 1.
int CompareLevels(int tasks);

// One level of round r of the schedule: tasks drawn, paired samples per
// task (2 queries each) and the test's threshold on |Y|.
struct CompareLevel {
  int64_t draws = 0;
  int64_t samples = 0;
  double threshold = 0;
};
// The active levels of round r (empty when every guessed gap exceeds
// max_gap), for a Compare at confidence delta over `tasks` tasks.
std::vector<CompareLevel> CompareRound(int tasks, int round, double delta, double max_gap);
// Queries of round r when every level runs to its end: sum of 2 draws samples.
double CompareRoundQueries(int tasks, int round, double delta, double max_gap);

}  // namespace expertlab::ranking
