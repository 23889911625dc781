#include "algorithms/ranking/environment.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/ranking/instance.h"
#include "tests/algorithms/ranking/conformance.h"

namespace expertlab::ranking {
namespace {

TEST_CASE("StackedGaps: adjacent ranks differ by h on exactly s tasks", "[unit]") {
  for (int s : {1, 3, 10}) {
    Rng rng = testing::TestRng(3, static_cast<uint64_t>(s));
    const Eigen::MatrixXd means = StackedGaps(7, 10, s, 0.25, rng);
    const std::vector<int> order = IsotonicOrder(means);
    for (size_t q = 1; q < order.size(); ++q) {
      const Eigen::VectorXd gap = (means.row(order[q - 1]) - means.row(order[q])).transpose();
      int nonzero = 0;
      for (double g : gap) {
        CHECK((g == 0.0 || std::abs(g - 0.25) < 1e-12));
        nonzero += g != 0.0;
      }
      CHECK(nonzero == s);
    }
    CHECK(means.row(order.back()).isZero());
  }
}

TEST_CASE("Environment: bad input names the key", "[unit]") {
  Eigen::MatrixXd crossing(2, 2);
  crossing << 1, 0, 0, 1;
  CHECK_THROWS_WITH(Environment(crossing, Noise::kGaussian, 1),
                    Catch::Contains("M:") && Catch::Contains("monotonicity"));
  CHECK_THROWS_WITH(Environment(Eigen::MatrixXd::Zero(1, 3), Noise::kGaussian, 1),
                    Catch::StartsWith("n:"));
  CHECK_THROWS_WITH(Environment(Eigen::MatrixXd::Zero(3, 0), Noise::kGaussian, 1),
                    Catch::StartsWith("d:"));
  Rng rng = testing::TestRng(4);
  CHECK_THROWS_WITH(StackedGaps(1, 4, 1, 0.5, rng), Catch::StartsWith("n:"));
  CHECK_THROWS_WITH(StackedGaps(3, 0, 1, 0.5, rng), Catch::StartsWith("d:"));
  CHECK_THROWS_WITH(StackedGaps(3, 4, 5, 0.5, rng), Catch::StartsWith("s:"));
  CHECK_THROWS_WITH(StackedGaps(3, 4, 1, 0.0, rng), Catch::StartsWith("h:"));
  CHECK_THROWS_WITH(ParseNoise("cauchy"), Catch::StartsWith("noise:"));
  CHECK_THROWS_WITH(ParseGoal("top2"), Catch::StartsWith("goal:"));
}

TEST_CASE("Noise: a sample depends only on (pair, index), not on batching", "[unit]") {
  for (Noise noise : {Noise::kGaussian, Noise::kRademacher}) {
    const Environment environment(Eigen::MatrixXd::Zero(2, 3), noise, 99);
    double singles = 0;
    for (int64_t m = 0; m < 300; ++m) singles += environment.NoiseSum(1, 2, m, 1);
    const double batches = environment.NoiseSum(1, 2, 0, 7) + environment.NoiseSum(1, 2, 7, 130) +
                           environment.NoiseSum(1, 2, 137, 163);
    CHECK(batches == Approx(singles).margin(1e-9));
    CHECK(environment.NoiseSum(0, 2, 0, 300) != environment.NoiseSum(1, 2, 0, 300));
  }
}

TEST_CASE("Noise: Gaussian and Rademacher moments", "[theory]") {
  // N = 2^18 samples of a unit-variance law: the sample mean has sd
  // 1/sqrt(N) and the sample second moment sd sqrt(2/N) (Gaussian) or 0
  // (Rademacher); 4.5 sd bounds fail with probability < 1e-5 each.
  const int64_t count = int64_t{1} << 18;
  const double n = static_cast<double>(count);
  for (Noise noise : {Noise::kGaussian, Noise::kRademacher}) {
    const Environment environment(Eigen::MatrixXd::Zero(2, 1), noise, 7);
    double sum = 0, squares = 0;
    for (int64_t m = 0; m < count; ++m) {
      const double x = environment.NoiseSum(0, 0, m, 1);
      sum += x;
      squares += x * x;
      if (noise == Noise::kRademacher) REQUIRE(std::abs(x) == 1.0);
    }
    CHECK(std::abs(sum / n) < 4.5 / std::sqrt(n));
    CHECK(std::abs(squares / n - 1.0) < 4.5 * std::sqrt(2.0 / n));
    CHECK(environment.NoiseSum(0, 0, 0, count) == Approx(sum).margin(1e-6));
  }
}

TEST_CASE("Querier: counts every query and rejects queries past the budget", "[unit]") {
  Eigen::MatrixXd means(2, 2);
  means << 1, 2, 0, 0;
  const Environment environment(means, Noise::kGaussian, 3);
  Querier querier(environment, 10);
  querier.Sum(0, 1, 4);
  querier.Sample(1, 0);
  CHECK(querier.queries() == 5);
  CHECK_THROWS_AS(querier.Sum(0, 0, 6), QueryBudgetExhausted);
  CHECK_THROWS_WITH(querier.Sum(0, 0, 6), Catch::StartsWith("budget:"));
  CHECK(querier.queries() == 5);  // nothing drawn by the refused batch
  querier.Sum(0, 0, 5);           // exactly the budget is allowed
  CHECK(querier.queries() == 10);
  CHECK_THROWS_AS(querier.Sample(1, 1), QueryBudgetExhausted);
  CHECK_THROWS_WITH(Querier(environment, 0), Catch::StartsWith("budget:"));
  // Sum = count * mean + the pair's next noise samples.
  Querier fresh(environment, 100);
  CHECK(fresh.Sum(0, 1, 8) == Approx(16.0 + environment.NoiseSum(0, 1, 0, 8)).margin(1e-12));
  CHECK(fresh.Sum(0, 1, 8) == Approx(16.0 + environment.NoiseSum(0, 1, 8, 8)).margin(1e-12));
}

}  // namespace
}  // namespace expertlab::ranking
