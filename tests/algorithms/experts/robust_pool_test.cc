#include "algorithms/experts/robust_pool.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE(
    "robust pool survives kill-on-play iff it holds more than W good "
    "experts",
    "[theory]") {
  // n = 256: kill window W = 16, r = 16 reserve experts; T = 3000, probes
  // of 8 days. An expert played on day t loses on days t+1..t+W, so each
  // reserve expert gives at most one loss-free day per W + 1 days.
  // - S = 128: k = 32 >= W + 1 active slots and m = 64 candidates, of
  //   which m r / n = 4 are reserve experts per probe in expectation: W + 1
  //   live ones are active after about ceil((W + 1) / 4) = 5 probes (40
  //   days), and the discounted losses settle within H = 4k = 128 days.
  //   After that the learner loses only when it picks an expert played the
  //   day before (still in its good set, dead today), one of >= W + 1:
  //   E[R/T] <= (40 + 128)/T + 1/(W + 1) = 0.115 (R <= the learner's loss).
  // - S = 8: k = 2 active slots, m = 4 candidates. Loss-free days in any
  //   W + 1 days are at most the reserve experts active in them: the k, plus
  //   the reserve experts admitted meanwhile, (W + 1)/probe probes each
  //   bringing m r / n = 1/4 in expectation:
  //   E[loss/T] >= 1 - (k + (W + 1) m r / (probe n)) / (W + 1) = 0.85.
  // Both claims over 20 seeds (kTestLevel each).
  const int n = 256;
  const int64_t horizon = 3000;
  const double window = 16, reserve = 16, probe = 8;
  std::vector<double> big_regret, small_loss;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    auto big = testing::MakeLearner("robust_pool(memory=128)");
    auto small = testing::MakeLearner("robust_pool(memory=8)");
    auto s1 = testing::MakeSequence("kill_on_play");
    auto s2 = testing::MakeSequence("kill_on_play");
    big_regret.push_back(testing::Play(*big, *s1, n, horizon, seed).points.back().regret / horizon);
    small_loss.push_back(testing::Play(*small, *s2, n, horizon, seed).learner_loss / horizon);
    REQUIRE(dynamic_cast<const RobustPool&>(*big).active().capacity() == 32);
    REQUIRE(dynamic_cast<const RobustPool&>(*small).active().capacity() == 2);
  }
  const double k_big = 32, m_big = 64, k_small = 2, m_small = 4;
  const double search_days = probe * std::ceil((window + 1) / (m_big * reserve / n)) + 4 * k_big;
  testing::CheckMeanAtMost(big_regret, search_days / horizon + 1 / (window + 1));
  testing::CheckMeanAtLeast(
      small_loss, 1 - (k_small + (window + 1) / probe * m_small * reserve / n) / (window + 1));
}

TEST_CASE("robust pool conformance", "[unit][determinism]") {
  testing::CheckConformance("robust_pool(memory=16)", 64, 2000);
  testing::CheckConformance("robust_pool(memory=3)", 8, 300);
  testing::CheckConformance("robust_pool(memory=32)", 256, 2000, "kill_on_play");
}

}  // namespace
}  // namespace expertlab::experts
