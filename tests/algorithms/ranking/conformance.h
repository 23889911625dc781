// Helpers shared by the ranking family's tests: small instances, a policy
// run, and the conformance checks every policy's test calls.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "algorithms/ranking/environment.h"
#include "algorithms/ranking/instance.h"
#include "algorithms/ranking/policy.h"
#include "sim/registry.h"
#include "tests/algorithms/experts/test_util.h"

namespace expertlab::ranking::testing {

inline Rng TestRng(uint64_t stream, uint64_t seed = 20261124) {
  return Rng(seed, 0x4a4e4b, 0, stream);
}

// A stacked-gaps instance (instance.h) drawn from `seed`, with its own noise key.
inline Environment MakeEnvironment(int n, int d, int s, double h, uint64_t seed,
                                   Noise noise = Noise::kGaussian) {
  Rng rng = TestRng(1, seed);
  Eigen::MatrixXd means = StackedGaps(n, d, s, h, rng);
  return Environment(std::move(means), noise, rng.NextU64());
}

struct Run {
  std::vector<int> answer;
  int64_t queries = 0;
};

inline Run Solve(const std::string& spec, Goal goal, const Environment& environment,
                 double delta, uint64_t seed, int64_t budget = int64_t{1} << 40) {
  auto policy = Registry<RankingPolicy>::Instance().Create(spec);
  Querier querier(environment, budget);
  Rng rng = TestRng(2, seed);
  Run run;
  run.answer = policy->Solve(goal, querier, delta, rng);
  run.queries = querier.queries();
  return run;
}

// True when `answer` is what `goal` asks for on `environment`.
inline bool Correct(const std::vector<int>& answer, Goal goal, const Environment& environment) {
  if (goal == Goal::kBest) return answer.size() == 1 && answer[0] == environment.order()[0];
  return answer == environment.order();
}

// The family's invariants (policy.h): the answer's shape, reproducibility
// under a seed, clear errors for an unsolved goal, delta outside (0, 1) and
// an exhausted budget.
inline void CheckRankingConformance(const std::string& spec) {
  auto policy = Registry<RankingPolicy>::Instance().Create(spec);
  const Environment environment = MakeEnvironment(6, 8, 3, 0.8, 5);
  for (Goal goal : {Goal::kRanking, Goal::kBest}) {
    INFO(spec << ", goal " << GoalName(goal));
    if (!policy->Solves(goal)) {
      CHECK_THROWS_WITH(Solve(spec, goal, environment, 0.1, 1),
                        Catch::Contains("goal") && Catch::Contains(GoalName(goal)));
      continue;
    }
    const Run run = Solve(spec, goal, environment, 0.1, 1);
    if (goal == Goal::kBest) {
      REQUIRE(run.answer.size() == 1);
      CHECK((run.answer[0] >= 0 && run.answer[0] < 6));
    } else {
      std::vector<int> sorted = run.answer;
      std::sort(sorted.begin(), sorted.end());
      std::vector<int> all(6);
      std::iota(all.begin(), all.end(), 0);
      CHECK(sorted == all);
    }
    CHECK(run.queries > 0);
    const Run again = Solve(spec, goal, environment, 0.1, 1);
    CHECK(again.answer == run.answer);
    CHECK(again.queries == run.queries);
    for (double delta : {0.0, 1.0, -0.5, 1.5})
      CHECK_THROWS_WITH(Solve(spec, goal, environment, delta, 1), Catch::Contains("delta"));
    CHECK_THROWS_AS(Solve(spec, goal, environment, 0.1, 1, run.queries / 2),
                    QueryBudgetExhausted);
  }
}

// Successes of `spec` over `seeds` independent instances and noise draws.
inline int SuccessesOverSeeds(const std::string& spec, Goal goal, int n, int d, int s, double h,
                              double delta, int seeds) {
  int successes = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    const Environment environment = MakeEnvironment(n, d, s, h, static_cast<uint64_t>(seed));
    successes += Correct(Solve(spec, goal, environment, delta, static_cast<uint64_t>(seed)).answer,
                         goal, environment)
                     ? 1
                     : 0;
  }
  return successes;
}

// Checks the claim P(correct) >= 1 - delta of `spec` on stacked-gaps
// instances (exact binomial test at the experts tests' level).
inline void CheckCorrectWithProbability(const std::string& spec, Goal goal, int n, int d, int s,
                                        double h, double delta, int seeds) {
  INFO(spec << ", goal " << GoalName(goal) << ", n = " << n << ", d = " << d << ", s = " << s);
  experts::testing::CheckSuccessRateAtLeast(
      SuccessesOverSeeds(spec, goal, n, d, s, h, delta, seeds), seeds, 1 - delta);
}

}  // namespace expertlab::ranking::testing
