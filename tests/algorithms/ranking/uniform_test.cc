#include "algorithms/ranking/uniform.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/ranking/conformance.h"

namespace expertlab::ranking {
namespace {

TEST_CASE("uniform ranks and finds the best with probability >= 1 - delta", "[theory]") {
  // Intervals hold for every expert and check with probability >= 1 - delta
  // pi^2 / 12 (uniform.h), and separated intervals order the experts.
  const double delta = 0.2;
  for (Goal goal : {Goal::kRanking, Goal::kBest})
    testing::CheckCorrectWithProbability("uniform", goal, 4, 4, 2, 0.6, delta, 40);
}

TEST_CASE("uniform: interval separation", "[unit]") {
  const Separation ranked = SeparateByIntervals({0.1, 0.9, 0.5}, {0.1, 0.1, 0.1}, Goal::kRanking);
  CHECK(ranked.order == std::vector<int>{1, 2, 0});
  CHECK(ranked.separated);
  CHECK_FALSE(SeparateByIntervals({0.1, 0.9, 0.5}, {0.3, 0.1, 0.1}, Goal::kRanking).separated);
  CHECK(SeparateByIntervals({0.1, 0.9, 0.5}, {0.3, 0.1, 0.1}, Goal::kBest).separated);
}

TEST_CASE("uniform conformance and determinism", "[unit][determinism]") {
  testing::CheckRankingConformance("uniform");
}

}  // namespace
}  // namespace expertlab::ranking
