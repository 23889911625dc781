#include "algorithms/experts/pool.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE("Pool add, remove and membership", "[unit]") {
  Pool pool;
  pool.Reset(4, 2);
  CHECK(pool.Words() == 0);
  pool.Add(10);
  pool.Add(3);
  pool.At(1, 0) = 7.5;
  pool.Add(42);
  CHECK(pool.Words() == 6);  // 3 experts x 2 statistics
  CHECK(pool.Contains(3));
  CHECK_FALSE(pool.Contains(4));
  pool.Remove(0);  // slot of 10: 42 moves in
  CHECK_FALSE(pool.Contains(10));
  CHECK(pool.SlotOf(42) == 0);
  CHECK(pool.At(pool.SlotOf(3), 0) == 7.5);
  pool.Add(10);
  pool.Add(11);
  CHECK(pool.full());
  CHECK_THROWS_AS(pool.Add(12), Error);
  pool.Clear();
  CHECK(pool.size() == 0);
  CHECK_FALSE(pool.Contains(3));
}

TEST_CASE("AddFresh draws distinct unused experts uniformly", "[unit]") {
  // Seed 4: 30000 draws of 3 experts out of 12, excluding {0, 1} held by
  // another pool: each of the 10 eligible experts appears with frequency
  // 3/10; chi-square on 9 dof below 27.9 (the 0.999 quantile).
  Pool other;
  other.Reset(2, 1);
  other.Add(0);
  other.Add(1);
  Rng rng(4, 0, 0, 0);
  std::vector<int> counts(12, 0);
  for (int k = 0; k < 10000; ++k) {
    Pool pool;
    pool.Reset(3, 1);
    REQUIRE(pool.AddFresh(5, 12, rng, {&other}) == 3);
    std::set<int> seen(pool.ids().begin(), pool.ids().end());
    REQUIRE(seen.size() == 3);
    for (int id : pool.ids()) ++counts[id];
  }
  CHECK(counts[0] == 0);
  CHECK(counts[1] == 0);
  double chi2 = 0;
  for (int i = 2; i < 12; ++i) chi2 += (counts[i] - 3000.0) * (counts[i] - 3000.0) / 3000.0;
  CHECK(chi2 < 27.9);
  // Dense path (almost everyone used): takes exactly the rest.
  Pool big;
  big.Reset(20, 1);
  CHECK(big.AddFresh(20, 12, rng, {&other}) == 10);
}

TEST_CASE("PoolWeights and SampleLinear", "[unit]") {
  Pool pool;
  pool.Reset(3, 1);
  pool.Add(5);
  pool.Add(6);
  pool.Add(7);
  pool.At(0, 0) = 2;
  pool.At(1, 0) = 1;
  pool.At(2, 0) = 4;
  Eigen::ArrayXd w;
  const double total = PoolWeights(pool, 0, 0.5, w);
  CHECK(w[1] == 1.0);
  CHECK(w[0] == Approx(std::exp(-0.5)));
  CHECK(w[2] == Approx(std::exp(-1.5)));
  CHECK(total == Approx(1 + std::exp(-0.5) + std::exp(-1.5)));
  CHECK(SampleLinear(w, total, 0.0) == 0);
  CHECK(SampleLinear(w, total, std::nextafter(1.0, 0.0)) == 2);
}

TEST_CASE("memory budgets below 1 or above n are rejected", "[unit]") {
  CHECK_THROWS_WITH(CheckMemoryBudget("x", 17, 16),
                    "x: memory S = 17 exceeds the number of experts n = 16 "
                    "(S must be in [1, n])");
  CHECK_THROWS_WITH(CheckMemoryBudget("x", 0, 16), "x: memory S must be >= 1 word, got 0");
  CHECK_NOTHROW(CheckMemoryBudget("x", 16, 16));
  // Every bounded learner: S < 1 fails at parse time, S > n at Start.
  auto& registry = Registry<ExpertsLearner>::Instance();
  for (const char* name : {"random_subset", "pool_cycling", "swxz_mw", "swxz_low_mistake",
                           "baseline_pool", "multiscale_pool", "robust_pool"}) {
    INFO(name);
    CHECK_THROWS_AS(registry.Validate(std::string(name) + "(memory=0)"), Error);
    auto learner = registry.Create(std::string(name) + "(memory=32)");
    CHECK_THROWS_AS(learner->Start(16, 100, testing::TestRng(1)), Error);
  }
}

}  // namespace
}  // namespace expertlab::experts
