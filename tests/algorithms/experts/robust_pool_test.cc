#include "algorithms/experts/robust_pool.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/experts/test_util.h"
#include "theory/memory_bounds.h"

namespace expertlab::experts {
namespace {

TEST_CASE(
    "robust pool survives kill-on-play iff it holds more than W good "
    "experts",
    "[theory]") {
  // n = 1024: W = r = 32. S = 256 holds up to 64 active experts (2 words
  // each) > W + 1: after finding reserve experts it never plays a dead one;
  // S = 16 holds 4 < W: it loses on most days (KillOnPlayLossRate(4, 32)
  // = 0.88). T = 6000, seed 1.
  const int n = 1024;
  const int64_t horizon = 6000;
  auto big = testing::MakeLearner("robust_pool(memory=256)");
  auto small = testing::MakeLearner("robust_pool(memory=16)");
  auto s1 = testing::MakeSequence("kill_on_play");
  auto s2 = testing::MakeSequence("kill_on_play");
  const double r_big = testing::Play(*big, *s1, n, horizon).points.back().regret / horizon;
  const double r_small = testing::Play(*small, *s2, n, horizon).points.back().regret / horizon;
  INFO("R/T: S=256 " << r_big << ", S=16 " << r_small);
  CHECK(r_big < 0.1);
  CHECK(r_small > theory::KillOnPlayLossRate(4, 32) - 0.1);
}

TEST_CASE("robust pool conformance", "[unit][determinism]") {
  testing::CheckConformance("robust_pool(memory=16)", 64, 2000);
  testing::CheckConformance("robust_pool(memory=3)", 8, 300);
  testing::CheckConformance("robust_pool(memory=32)", 256, 2000, "kill_on_play");
}

}  // namespace
}  // namespace expertlab::experts
