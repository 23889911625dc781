#include "algorithms/experts/random_subset.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/experts/planted_bernoulli.h"
#include "tests/algorithms/experts/test_util.h"
#include "theory/experts_bounds.h"
#include "theory/memory_bounds.h"

namespace expertlab::experts {
namespace {

TEST_CASE(
    "random subset misses i* with probability 1 - S/n and then pays "
    "delta T exactly",
    "[theory]") {
  // n = 16, S = 4, delta = 0.2, T = 2000, seeds 1..400. When i* is not in
  // the subset the mean-regret is exactly delta T (every p_t puts 0 on i*).
  // The hit count is Binomial(400, 1/4): mean 100, sd 8.7; within 4.5 sd.
  // When i* is in, E[mean-regret] <= sqrt(T ln S / 2): the average over
  // the hits is checked against that bound.
  const int n = 16;
  const int64_t horizon = 2000;
  int hits = 0;
  double hit_regret = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    auto learner = testing::MakeLearner("random_subset(memory=4)");
    auto seq = testing::MakeSequence("planted_bernoulli(delta=0.2)");
    const GameResult r = testing::Play(*learner, *seq, n, horizon, seed);
    const int star = dynamic_cast<const PlantedBernoulli&>(*seq).planted();
    if (learner->Holds(star)) {
      ++hits;
      hit_regret += r.points.back().mean_regret;
    } else {
      REQUIRE(r.points.back().mean_regret == Approx(0.2 * horizon));
    }
  }
  CHECK(std::fabs(hits - 100) < 4.5 * 8.7);
  CHECK(hit_regret / hits <= theory::HedgeOptimalRegret(4, horizon));
  // Hence the average matches the closed-form prediction from below.
  const double average = ((400 - hits) * 0.2 * horizon + hit_regret) / 400.0;
  CHECK(average <= theory::RandomSubsetRegret(n, 4, 0.2, horizon) * 1.15);
}

TEST_CASE("random subset holds exactly S experts", "[unit][determinism]") {
  auto learner = testing::MakeLearner("random_subset(memory=7)");
  learner->Start(50, 10, testing::TestRng(1));
  std::vector<int> held;
  learner->HeldExperts(50, held);
  CHECK(held.size() == 7);
  CHECK(learner->MemoryWords() == 7);
  testing::CheckConformance("random_subset(memory=7)", 50, 2000);
  testing::CheckConformance("random_subset(memory=50)", 50, 500);
}

}  // namespace
}  // namespace expertlab::experts
