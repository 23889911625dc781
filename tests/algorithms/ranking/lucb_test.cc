#include "algorithms/ranking/lucb.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/ranking/conformance.h"

namespace expertlab::ranking {
namespace {

TEST_CASE("lucb finds the best with probability >= 1 - delta", "[theory]") {
  // range = (n - 1) h bounds a row's spread: every interval is valid with
  // probability >= 1 - delta pi^2 / 12, and LUCB stops only when the leader's
  // lower bound is above every other upper bound.
  testing::CheckCorrectWithProbability("lucb(range=3)", Goal::kBest, 6, 8, 2, 0.6, 0.2, 40);
}

TEST_CASE("lucb conformance and determinism", "[unit][determinism]") {
  testing::CheckRankingConformance("lucb");
}

}  // namespace
}  // namespace expertlab::ranking
