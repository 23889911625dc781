#include "algorithms/trees/exp4.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "tests/algorithms/trees/conformance.h"

namespace expertlab::trees {
namespace {

TEST_CASE("exp4 conformance and determinism", "[unit][determinism]") {
  testing::CheckAdviceConformance("exp4");
  testing::CheckAdviceConformance("exp4(gamma=0.5)");
}

TEST_CASE("exp4 regret to the best expert is within Auer et al.'s bound", "[theory]") {
  // Expert 0 is always right (G_max = T); the others are right with
  // probability 1/3 (K = 3). Theorem 7.1 with Corollary 3.2's gamma:
  // E[G_max - G] <= 2 sqrt(e - 1) sqrt(T K ln N) = 240.7 for T = 2000,
  // N = 4. The mean regret over 20 seeds must lie below it (plus 4
  // standard errors of that mean, each run's regret having sd <= 60 here).
  const int horizon = 2000, experts = 4, classes = 3;
  const std::vector<double> honesty = {1.0, 1.0 / 3, 1.0 / 3, 1.0 / 3};
  double regret = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const auto rounds = testing::TwoRegionRounds({honesty, honesty}, classes, horizon, seed);
    auto learner = testing::MakeLearner("exp4");
    regret += horizon * (1.0 - testing::PlayRounds(
                                   *learner, testing::TwoRegionProblem(experts, classes, horizon),
                                   rounds, 0, seed));
  }
  const double bound = 2 * std::sqrt(std::numbers::e - 1) *
                       std::sqrt(horizon * classes * std::log(static_cast<double>(experts)));
  INFO("mean regret " << regret / 20 << ", bound " << bound);
  CHECK(regret / 20 <= bound + 4 * 60 / std::sqrt(20.0));
}

}  // namespace
}  // namespace expertlab::trees
