#include "algorithms/ranking/best_expert.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/ranking/conformance.h"

namespace expertlab::ranking {
namespace {

TEST_CASE("best_expert finds the best expert with probability >= 1 - delta", "[theory]") {
  // Round r makes at most n - 1 Compares at delta / (2 r^2 (n - 1)): the
  // error is at most delta pi^2 / 12 < delta.
  const double delta = 0.2;
  testing::CheckCorrectWithProbability("best_expert", Goal::kBest, 6, 8, 2, 0.6, delta, 60);
}

TEST_CASE("best_expert conformance and determinism", "[unit][determinism]") {
  testing::CheckRankingConformance("best_expert");
}

}  // namespace
}  // namespace expertlab::ranking
