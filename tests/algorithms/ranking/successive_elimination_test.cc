#include "algorithms/ranking/successive_elimination.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/ranking/row_means.h"
#include "tests/algorithms/ranking/conformance.h"

namespace expertlab::ranking {
namespace {

TEST_CASE("successive_elimination finds the best with probability >= 1 - delta", "[theory]") {
  // Stacked gaps: a row spreads over at most (n - 1) h = 3 across tasks, so
  // range = 3 makes every interval valid (row_means.h) with probability
  // >= 1 - delta pi^2 / 12, and the best expert is then never eliminated.
  testing::CheckCorrectWithProbability("successive_elimination(range=3)", Goal::kBest, 6, 8, 2,
                                       0.6, 0.2, 40);
}

TEST_CASE("row means: a random-task pull is unbiased for the row mean", "[theory]") {
  // N pulls of a (1 + range^2/4)-sub-Gaussian variable: the mean is within
  // 4.5 sqrt(sigma^2 / N) of mu except with probability < 1e-4.
  const Environment environment = testing::MakeEnvironment(3, 10, 3, 0.5, 4);
  Querier querier(environment, int64_t{1} << 30);
  Rng rng = testing::TestRng(5);
  const int pulls = 100000;
  for (int i = 0; i < 3; ++i) {
    double sum = 0;
    for (int u = 0; u < pulls; ++u) sum += PullRandomTask(querier, i, rng);
    const double sigma2 = 1.0 + 1.0 * 1.0 / 4.0;  // rows spread over <= (n - 1) h = 1
    CHECK(std::abs(sum / pulls - environment.means().row(i).mean()) <
          4.5 * std::sqrt(sigma2 / pulls));
  }
  CHECK(RowMeanRadius(10, 4, 0.1, 2.0) ==
        Approx(std::sqrt(2.0 * 2.0 * std::log(4.0 * 4 * 100 / 0.1) / 10)));
}

TEST_CASE("successive_elimination conformance and determinism", "[unit][determinism]") {
  testing::CheckRankingConformance("successive_elimination");
}

}  // namespace
}  // namespace expertlab::ranking
