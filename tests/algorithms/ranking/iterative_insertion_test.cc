#include "algorithms/ranking/iterative_insertion.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/ranking/conformance.h"

namespace expertlab::ranking {
namespace {

TEST_CASE("iterative_insertion ranks exactly with probability >= 1 - delta", "[theory]") {
  // A position is accepted only after two verifications, each wrong with
  // probability <= delta / (4 (n - 1) k^2): the total error is at most
  // delta pi^2 / 12.
  testing::CheckCorrectWithProbability("iterative_insertion", Goal::kRanking, 5, 4, 2, 1.0, 0.2,
                                       30);
}

TEST_CASE("iterative_insertion conformance and determinism", "[unit][determinism]") {
  testing::CheckRankingConformance("iterative_insertion");
}

}  // namespace
}  // namespace expertlab::ranking
