#include "algorithms/ranking/policy.h"

#include <cmath>
#include <numeric>

#include "sim/samplers.h"

namespace expertlab::ranking {

Goal ParseGoal(const std::string& name, const std::string& key) {
  if (name == "ranking") return Goal::kRanking;
  if (name == "best") return Goal::kBest;
  throw Error(key + ": expected ranking or best, got '" + name + "'");
}

const char* GoalName(Goal goal) { return goal == Goal::kRanking ? "ranking" : "best"; }

void CheckDelta(double delta) {
  EXPERTLAB_CHECK(delta > 0 && delta < 1) << "delta: a confidence level in (0, 1) expected, got "
                                          << delta;
}

std::vector<int> ShuffledExperts(int n, Rng& rng) {
  std::vector<int> experts(static_cast<size_t>(n));
  std::iota(experts.begin(), experts.end(), 0);
  Shuffle(rng, experts);
  return experts;
}

void CheckSolvable(const RankingPolicy& policy, const std::string& name, Goal goal,
                   double delta) {
  CheckDelta(delta);
  EXPERTLAB_CHECK(policy.Solves(goal))
      << "goal: ranking policy '" << name << "' does not solve goal '" << GoalName(goal) << "'";
}

}  // namespace expertlab::ranking
