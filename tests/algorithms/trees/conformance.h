// Helpers shared by the expertise-trees family's tests: small bandits on
// synthetic data, a learner run, hand-made rounds, and the conformance
// checks every learner's test calls.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/trees/dataset.h"
#include "algorithms/trees/environment.h"
#include "algorithms/trees/learner.h"
#include "sim/registry.h"

namespace expertlab::trees::testing {

inline Rng TestRng(uint64_t stream, uint64_t seed = 20261203) {
  return Rng(seed, 0x7472, 0, stream);
}

inline std::unique_ptr<AdviceLearner> MakeLearner(const std::string& spec) {
  return Registry<AdviceLearner>::Instance().Create(spec);
}

// A bandit on a synthetic data set (2000 rows, 16 columns, `classes` classes).
inline AdviceBandit MakeBandit(int regions, int experts, int64_t horizon, uint64_t seed,
                               int classes = 4) {
  Rng rng = TestRng(1, seed);
  const Dataset data = SyntheticDataset(2000, 16, classes, rng);
  return AdviceBandit(data, {.regions = regions, .experts = experts, .horizon = horizon}, rng);
}

inline PlayResult Play(const std::string& spec, const AdviceBandit& bandit, int dims,
                       uint64_t seed) {
  auto learner = MakeLearner(spec);
  return PlayBandit(*learner, bandit, dims, TestRng(2, seed), {bandit.horizon()});
}

// A hand-made round: what the learner sees, the label and the true region.
struct Round {
  std::vector<double> context;
  std::vector<int> advice;
  int label = 0;
  int region = 0;
};

// Plays `rounds` in order; returns the fraction of rounds from `from` on
// that the learner got right.
inline double PlayRounds(AdviceLearner& learner, const Problem& problem,
                         const std::vector<Round>& rounds, size_t from, uint64_t seed) {
  learner.Start(problem, TestRng(3, seed));
  double correct = 0;
  for (size_t t = 0; t < rounds.size(); ++t) {
    const Round& r = rounds[t];
    const RoundView view{r.context, r.advice, learner.UsesRegions() ? r.region : -1};
    const int arm = learner.Choose(view);
    const double reward = arm == r.label ? 1.0 : 0.0;
    learner.Observe(view, arm, reward);
    if (t >= from) correct += reward;
  }
  return correct / static_cast<double>(rounds.size() - from);
}

// The family's invariants (learner.h): arms in range (the harness checks),
// identical runs under one seed, and runs on the smallest problems (N = 1,
// K = 2, g = 1) and on many regions.
inline void CheckAdviceConformance(const std::string& spec) {
  INFO("learner " << spec);
  for (int regions : {1, 16}) {
    const AdviceBandit bandit = MakeBandit(regions, 4, 300, 11);
    const PlayResult a = Play(spec, bandit, 4, 5), b = Play(spec, bandit, 4, 5);
    CHECK(a.reward == b.reward);
    CHECK(a.reward.back() >= 0.0);
    CHECK(a.reward.back() <= 300.0);
  }
  const AdviceBandit tiny = MakeBandit(4, 1, 100, 12, 2);
  CHECK(Play(spec, tiny, 1, 6).reward.back() <= 100.0);
  CHECK_THROWS_WITH(Play(spec, tiny, 65, 6), Catch::Contains("g = 65"));
}

}  // namespace expertlab::trees::testing

namespace expertlab::trees::testing {

// Rounds on [0, 1)^2 with two regions (u1 < 1/2, u1 >= 1/2): expert e is
// honest with probability honesty[region][e], dishonest experts share one
// wrong class, labels uniform over `classes`.
inline std::vector<Round> TwoRegionRounds(const std::vector<std::vector<double>>& honesty,
                                          int classes, int count, uint64_t seed) {
  Rng rng = TestRng(6, seed);
  std::vector<Round> rounds(static_cast<size_t>(count));
  for (Round& r : rounds) {
    r.context = {rng.Uniform(), rng.Uniform()};
    r.region = r.context[0] < 0.5 ? 0 : 1;
    r.label = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(classes)));
    int wrong = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(classes - 1)));
    if (wrong >= r.label) ++wrong;
    for (double p : honesty[static_cast<size_t>(r.region)])
      r.advice.push_back(rng.Uniform() < p ? r.label : wrong);
  }
  return rounds;
}

// The problem of TwoRegionRounds: g = 2 uniform columns (deciles k/10).
inline Problem TwoRegionProblem(int experts, int classes, int64_t horizon) {
  DecileGrid grid;
  for (size_t k = 0; k < grid.size(); ++k) grid[k] = static_cast<double>(k) / 10.0;
  grid.front() -= 1e-5;
  grid.back() += 1e-5;
  return {classes, experts, 2, horizon, 2, {grid, grid}};
}

// Expert 0 is always right, experts 1-3 right with probability 1/4 (K =
// 4, the context carries no signal): a learner that follows expert 0 once
// it has learnt whom to trust gets every round right. Checks accuracy >=
// `at_least` over the last 1000 of 2000 rounds in each of 5 seeds.
inline void CheckFollowsReliableExpert(const std::string& spec, double at_least) {
  const std::vector<double> honesty = {1.0, 0.25, 0.25, 0.25};
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const auto rounds = TwoRegionRounds({honesty, honesty}, 4, 2000, seed);
    auto learner = MakeLearner(spec);
    INFO(spec << ", seed " << seed);
    CHECK(PlayRounds(*learner, TwoRegionProblem(4, 4, 2000), rounds, 1000, seed) >= at_least);
  }
}

}  // namespace expertlab::trees::testing
