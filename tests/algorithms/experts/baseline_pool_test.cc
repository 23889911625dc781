#include "algorithms/experts/baseline_pool.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "algorithms/experts/leader_trap.h"
#include "algorithms/experts/planted_bernoulli.h"
#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE(
    "leader selection falls into the leader trap, the baseline rule "
    "does not",
    "[theory]") {
  // n = 64, S = 24 (k = 4 active, m = 20 candidates), epochs and windows of
  // W = B = 200 days, delta = 0.1, T = 8000 (40 windows).
  // Leader rule: from the third window on, the decoys hot in the last window
  // have a perfect record (about m/3 = 6.7 of the candidates), so the k = 4
  // slots go to decoys that lose every day of the next two windows, while
  // i* loses at rate 1/2 - delta: E[R/T] >= (1/2 + delta)(1 - 3W/T) = 0.555
  // (the first windows, before the trap springs, counted as free).
  // Beat rule: Hedge restarted each epoch over k experts pays at most
  // sqrt(B ln k / 2) per epoch (Cesa-Bianchi & Lugosi 2006, Thm 2.2), i.e.
  // sqrt(ln k / (2B)) = 0.059 per day; a decoy admitted after its hot
  // window is beaten in the next one and dropped, costing at most one more
  // Hedge term; finding i* takes about n/m = 3.2 epochs at most (1/2 +
  // delta) per day: E[R/T] <= 2 (0.059) + 3.2 B (0.6) / T = 0.166.
  // Both claims over 20 seeds (kTestLevel each).
  const int n = 64;
  const int64_t horizon = 8000;
  const double window = 200, delta = 0.1, k = 4, m = 20;
  std::vector<double> leader, beat;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    for (const char* rule : {"leader", "beat"}) {
      auto learner = testing::MakeLearner(
          std::string("baseline_pool(memory=24, active_fraction=0.17, epoch=200, rule=") + rule +
          ")");
      auto seq = testing::MakeSequence("leader_trap(window=200, delta=0.1)");
      const double r = testing::Play(*learner, *seq, n, horizon, seed).points.back().mean_regret;
      REQUIRE(dynamic_cast<const BaselinePool&>(*learner).active().capacity() == k);
      (std::string(rule) == "leader" ? leader : beat).push_back(r / horizon);
    }
  }
  testing::CheckMeanAtLeast(leader, (0.5 + delta) * (1 - 3 * window / horizon));
  testing::CheckMeanAtMost(
      beat, 2 * std::sqrt(std::log(k) / (2 * window)) + (n / m) * window * (0.5 + delta) / horizon);
}

TEST_CASE("baseline pool finds the planted expert", "[theory]") {
  // n = 48, S = 16 (k = 4 active, m = 12 candidates), B = 200, gap 0.2,
  // T = 12000 (60 epochs). i* is a candidate in an epoch with probability
  // >= m/n = 1/4, so it is never one with probability <= (3/4)^60 < 1e-7.
  // As a candidate its epoch loss (mean 60, sd 6.5) must be at most the
  // algorithm's (~100: Hedge over fair coins) minus theta = 0.5 sqrt(200
  // ln(16 T)) = 24.7: 2.4 sd, so it qualifies with probability >= 0.99 each
  // time, and once active the algorithm (mostly on i*) never beats it by
  // theta. Claim: P(the pool holds i* at T) >= 0.95.
  // Mean-regret: Hedge restarted each epoch pays <= sqrt(B ln k / 2) per
  // epoch (Thm 2.2; mean-regret <= pseudo-regret in expectation) and the
  // search costs about n/m epochs at gap delta: E[R] <= (T/B) sqrt(B ln k /
  // 2) + (n/m) B delta = 866. Both claims over 30 seeds (kTestLevel each).
  const int n = 48;
  const int64_t horizon = 12000;
  const double epoch = 200, delta = 0.2, k = 4, m = 12;
  int holds = 0;
  std::vector<double> regret;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    auto learner = testing::MakeLearner("baseline_pool(memory=16, epoch=200)");
    auto seq = testing::MakeSequence("planted_bernoulli(delta=0.2)");
    const GameResult r = testing::Play(*learner, *seq, n, horizon, seed);
    const int star = dynamic_cast<const PlantedBernoulli&>(*seq).planted();
    REQUIRE(dynamic_cast<const BaselinePool&>(*learner).active().capacity() == k);
    holds += dynamic_cast<const BaselinePool&>(*learner).active().Contains(star);
    regret.push_back(r.points.back().mean_regret);
  }
  testing::CheckSuccessRateAtLeast(holds, 30, 0.95);
  testing::CheckMeanAtMost(
      regret, (horizon / epoch) * std::sqrt(epoch * std::log(k) / 2) + (n / m) * epoch * delta);
  // Learning, not just bounded: well below the no-learning delta T = 2400.
  testing::CheckMeanBelow(regret, 0.5 * delta * horizon);
}

TEST_CASE("baseline pool epoch auto and conformance", "[unit][determinism]") {
  auto learner = testing::MakeLearner("baseline_pool(memory=16)");
  learner->Start(256, 1 << 15, testing::TestRng(1));
  // m = 12 candidates: B = ceil((T m / n)^(2/3)) = ceil(1536^(2/3)) = 134.
  CHECK(dynamic_cast<const BaselinePool&>(*learner).epoch() == 134);
  testing::CheckConformance("baseline_pool(memory=16)", 256, 3000);
  testing::CheckConformance("baseline_pool(memory=16, rule=leader)", 256, 3000);
  testing::CheckConformance("baseline_pool(memory=1)", 8, 300);
}

}  // namespace
}  // namespace expertlab::experts
