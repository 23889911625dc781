#include "algorithms/experts/random_subset.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

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
  // n = 16, S = 4, delta = 0.2, T = 2000, seeds 1..400.
  // - The subset holds i* with probability S/n = 1/4: the hit count is
  //   Binomial(400, 1/4); checked with the exact two-sided binomial test,
  //   kTestLevel / 2 in each tail.
  // - A miss puts weight 0 on i* every day: mean-regret exactly delta T.
  // - A hit is Hedge over S experts: E[mean-regret | hit] <= sqrt(T ln S /
  //   2) (Cesa-Bianchi & Lugosi 2006, Thm 2.2; mean-regret <= pseudo-regret
  //   in expectation).
  // - Together: E[mean-regret] <= (1 - S/n) delta T + sqrt(T ln S / 2), the
  //   closed form theory::RandomSubsetRegret; checked on the mean over all
  //   400 seeds (kTestLevel).
  const int n = 16;
  const int64_t horizon = 2000;
  const int seeds = 400;
  int hits = 0;
  std::vector<double> hit_regret, all_regret;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    auto learner = testing::MakeLearner("random_subset(memory=4)");
    auto seq = testing::MakeSequence("planted_bernoulli(delta=0.2)");
    const GameResult r = testing::Play(*learner, *seq, n, horizon, seed);
    const int star = dynamic_cast<const PlantedBernoulli&>(*seq).planted();
    const double regret = r.points.back().mean_regret;
    all_regret.push_back(regret);
    if (learner->Holds(star)) {
      ++hits;
      hit_regret.push_back(regret);
    } else {
      REQUIRE(regret == Approx(0.2 * horizon));
    }
  }
  INFO(hits << " hits of " << seeds);
  CHECK(testing::BinomialCdf(hits, seeds, 0.25) >= testing::kTestLevel / 2);
  CHECK(1 - testing::BinomialCdf(hits - 1, seeds, 0.25) >= testing::kTestLevel / 2);
  testing::CheckMeanAtMost(hit_regret, theory::HedgeOptimalRegret(4, horizon));
  testing::CheckMeanAtMost(all_regret, theory::RandomSubsetRegret(n, 4, 0.2, horizon));
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
