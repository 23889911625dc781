// The active-ranking family: a policy queries (expert, task) pairs through a
// Querier until it can name, with probability at least 1 - delta, either the
// full ranking of the experts or the best expert (Saad, Verzelen &
// Carpentier, ICML 2023: the ranking problem and its relaxation to
// best-expert identification).
//
// Invariants every policy keeps (tests/algorithms/ranking/conformance.h):
//   - Solve returns a permutation of all experts (goal kRanking, best first)
//     or a single expert (goal kBest);
//   - it draws only through the Querier (which counts and caps the queries)
//     and the Rng it is given, so a result depends only on (instance, noise
//     key, policy stream, delta);
//   - a goal it does not solve, or delta outside (0, 1), is an error naming
//     the key, before any query.
#pragma once

#include <string>
#include <vector>

#include "algorithms/ranking/environment.h"
#include "sim/rng.h"

namespace expertlab::ranking {

enum class Goal { kRanking, kBest };

// "ranking" or "best"; anything else is an error naming `key`.
Goal ParseGoal(const std::string& name, const std::string& key = "goal");
const char* GoalName(Goal goal);

// Error naming "delta" unless 0 < delta < 1.
void CheckDelta(double delta);

class RankingPolicy {
 public:
  static constexpr const char* kFamily = "ranking policy";
  virtual ~RankingPolicy() = default;

  virtual bool Solves(Goal goal) const = 0;
  // The ranking (best first) or {best expert}. Throws QueryBudgetExhausted
  // when the querier's budget runs out first.
  virtual std::vector<int> Solve(Goal goal, Querier& querier, double delta, Rng& rng) = 0;
};

// Experts 0..n-1 in a uniformly random order.
std::vector<int> ShuffledExperts(int n, Rng& rng);

// Checks (goal, delta) for a policy: an error naming "goal" or "delta".
void CheckSolvable(const RankingPolicy& policy, const std::string& name, Goal goal,
                   double delta);

}  // namespace expertlab::ranking
