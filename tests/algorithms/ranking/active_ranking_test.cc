#include "algorithms/ranking/active_ranking.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/ranking/conformance.h"

namespace expertlab::ranking {
namespace {

TEST_CASE("active_ranking is exact with probability >= 1 - delta", "[theory]") {
  // Every Compare errs with probability <= delta / ((n-1) ceil(log2 n)) and
  // an insertion sort makes at most that many: P(exact) >= 1 - delta.
  const double delta = 0.2;
  testing::CheckCorrectWithProbability("active_ranking", Goal::kRanking, 5, 8, 2, 0.6, delta, 60);
  testing::CheckCorrectWithProbability("active_ranking", Goal::kRanking, 4, 4, 4, 0.5, delta, 60);
}

TEST_CASE("active_ranking: insertion confidence", "[unit]") {
  CHECK(InsertionCompareDelta(2, 0.1) == Approx(0.1));
  CHECK(InsertionCompareDelta(5, 0.1) == Approx(0.1 / (4 * 3)));
}

TEST_CASE("active_ranking conformance and determinism", "[unit][determinism]") {
  testing::CheckRankingConformance("active_ranking");
}

}  // namespace
}  // namespace expertlab::ranking
