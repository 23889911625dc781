#include "algorithms/trees/environment.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/trees/conformance.h"
#include "theory/trees_reward.h"

namespace expertlab::trees {
namespace {

using testing::MakeBandit;

TEST_CASE("trees environment: per-region honesty is 0.75 / 0.25", "[unit][theory]") {
  // 16 regions, 8 experts, 20000 rounds: each (expert-in-region) class has
  // about 80000 advice draws, so 4 standard errors of a rate near 0.75 are
  // 4 sqrt(0.1875 / 80000) = 0.006.
  const AdviceBandit bandit = MakeBandit(16, 8, 20000, 3);
  double honest[2] = {0, 0}, count[2] = {0, 0};
  for (int64_t t = 0; t < bandit.horizon(); ++t) {
    for (int e = 0; e < bandit.experts(); ++e) {
      const int in = bandit.IsExpert(e, bandit.Region(t)) ? 1 : 0;
      honest[in] += bandit.Advice(t)[static_cast<size_t>(e)] == bandit.Label(t) ? 1 : 0;
      count[in] += 1;
    }
  }
  const auto tolerance = [](double p, double n) { return 4 * std::sqrt(p * (1 - p) / n); };
  CHECK(std::abs(honest[1] / count[1] - 0.75) < tolerance(0.75, count[1]));
  CHECK(std::abs(honest[0] / count[0] - 0.25) < tolerance(0.25, count[0]));
  const double overall = (honest[0] + honest[1]) / (count[0] + count[1]);
  CHECK(std::abs(overall - theory::MarginalHonesty()) < tolerance(0.5, count[0] + count[1]));
}

TEST_CASE("trees environment: dishonest experts share one wrong class", "[unit]") {
  const AdviceBandit bandit = MakeBandit(4, 16, 2000, 4, 10);
  for (int64_t t = 0; t < bandit.horizon(); ++t) {
    int wrong = -1;
    for (int a : bandit.Advice(t)) {
      if (a == bandit.Label(t)) continue;
      if (wrong < 0) wrong = a;
      REQUIRE(a == wrong);
    }
  }
}

TEST_CASE("trees environment: each expert covers half the regions, which form the grid",
          "[unit]") {
  const AdviceBandit bandit = MakeBandit(64, 5, 4000, 5);
  for (int e = 0; e < 5; ++e) {
    int covered = 0;
    for (int r = 0; r < 64; ++r) covered += bandit.IsExpert(e, r) ? 1 : 0;
    CHECK(covered == 32);
  }
  for (int64_t t = 0; t < bandit.horizon(); ++t) {
    const auto x = bandit.Context(t);
    REQUIRE(bandit.Region(t) == RegionOf(x[0], x[1], 8));
  }
  CHECK(RegionOf(0.1, 0.9, 2) == 1);
  CHECK(RegionOf(0.9, 0.1, 2) == 2);
  CHECK(RegionOf(0.99, 0.99, 4) == 15);
}

TEST_CASE("trees environment: bad input is a clear error", "[unit]") {
  CHECK_THROWS_WITH(MakeBandit(5, 4, 10, 1), Catch::Contains("R = 5 is not a perfect square"));
  CHECK_THROWS_WITH(MakeBandit(4, 0, 10, 1), Catch::Contains("N = 0"));
  const AdviceBandit bandit = MakeBandit(4, 2, 10, 1);
  CHECK(bandit.width() == 64);
  CHECK_THROWS_WITH(bandit.ProblemFor(65),
                    Catch::Contains("g = 65 is not in [1, context width = 64]"));
  CHECK(bandit.ProblemFor(64).grid.size() == 64);
}

TEST_CASE("trees environment: one seed, one sequence of rounds", "[determinism]") {
  const AdviceBandit a = MakeBandit(16, 4, 500, 9), b = MakeBandit(16, 4, 500, 9);
  for (int64_t t = 0; t < a.horizon(); ++t) {
    REQUIRE(a.Label(t) == b.Label(t));
    REQUIRE(std::equal(a.Context(t).begin(), a.Context(t).end(), b.Context(t).begin()));
    REQUIRE(std::equal(a.Advice(t).begin(), a.Advice(t).end(), b.Advice(t).begin()));
  }
}

}  // namespace
}  // namespace expertlab::trees
