#include "algorithms/experts/multiscale_pool.h"

#include <catch2/catch.hpp>

#include "algorithms/experts/planted_bernoulli.h"
#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE("multiscale pool finds the planted expert at some scale", "[theory]") {
  // n = 128, S = 16, delta = 0.15, T = 30000, seeds 1..4: the window grows
  // until the gap shows (B ~ 0.25 ln(ST)/delta^2 ~ 150), i* is admitted and
  // leads the active pool; mean-regret well below the no-memory
  // delta T = 4500.
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    auto learner = testing::MakeLearner("multiscale_pool(memory=16)");
    auto seq = testing::MakeSequence("planted_bernoulli(delta=0.15)");
    const GameResult r = testing::Play(*learner, *seq, 128, 30000, seed);
    const int star = dynamic_cast<const PlantedBernoulli&>(*seq).planted();
    INFO("seed " << seed << ", mean-regret " << r.points.back().mean_regret);
    CHECK(dynamic_cast<const MultiscalePool&>(*learner).active().Contains(star));
    CHECK(r.points.back().mean_regret < 0.3 * 4500);
  }
}

TEST_CASE("multiscale pool doubles its window after a fruitless sweep", "[unit][determinism]") {
  // All experts fair except none better: nobody is admitted, so the window
  // doubles after every sweep of ceil((n - k)/m) = ceil(90/10) = 9 windows:
  // 8 (72 days), 16 (144), 32 (288), 64 (576) -> 128 after 1080 days.
  auto learner = testing::MakeLearner("multiscale_pool(memory=20, base_epoch=8, margin=5)");
  auto seq = testing::MakeSequence("ftl_trap");  // every expert >= 2 loses 1
  testing::Play(*learner, *seq, 100, 1100);
  CHECK(dynamic_cast<const MultiscalePool&>(*learner).window() == 128);
  CHECK(learner->MemoryWords() <= 20);
  testing::CheckConformance("multiscale_pool(memory=20)", 100, 3000);
  testing::CheckConformance("multiscale_pool(memory=2)", 4, 500);
  testing::CheckConformance("multiscale_pool(memory=16)", 64, 2000, "leader_trap(window=100)");
}

}  // namespace
}  // namespace expertlab::experts
