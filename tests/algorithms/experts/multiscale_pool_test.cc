#include "algorithms/experts/multiscale_pool.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "algorithms/experts/planted_bernoulli.h"
#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE("multiscale pool finds the planted expert at some scale", "[theory]") {
  // n = 64, S = 16 (k = 8 active, m = 8 candidates), gap delta = 0.25,
  // T = 20000, margin 0.5, windows B = 16, 32, ... doubling after a sweep
  // of w = ceil((n - k)/m) = 7 windows without an admission.
  // Admission: at window B a candidate i* qualifies when its window loss
  // (Binomial(B, 1/2 - delta)) is at most the algorithm's (B/2 while the
  // pool holds fair coins) minus theta_B = 0.5 sqrt(B ln(S T)); p(B) below
  // is that binomial probability, and B1 the first scale with p(B1) >=
  // 0.99 (B1 = 256). i* is among the m candidates of a window with
  // probability >= m/n, so a sweep at scale >= B1 misses it with
  // probability miss <= (1 - 0.99 m/n)^w = 0.40 and each doubling then
  // doubles the window.
  // - P(i* is active at T) >= 1 - miss^s - 0.01 with s the sweeps at scales
  //   >= B1 that fit in T (doublings only lengthen the windows, so s counts
  //   them at their own lengths); once active, i* leads the pool and is
  //   never evicted. Claim: P >= that bound (0.93 here: B1 = 256, three
  //   sweeps at 256, 512 and 1024 fit in T).
  // - Mean-regret: at most delta per day until i* is active, then Hedge
  //   over k experts with eta = sqrt(8 ln k / T): <= sqrt(T ln k / 2)
  //   (Cesa-Bianchi & Lugosi 2006, Thm 2.2). Days before admission: the
  //   sweeps below B1, w (B0 + ... + B1/2), then sweeps at B1 2^j, each
  //   reached with probability <= miss^j:
  //   E[R] <= delta w (B1 - B0 + B1 sum_j (2 miss)^j) + sqrt(T ln k / 2).
  //   (False admissions of fair coins only repeat a sweep at a scale below
  //   B1: each fair candidate qualifies with probability < 1e-3 there.)
  // Both claims over 24 seeds (kTestLevel each).
  const int n = 64, k = 8, m = 8, sweep = (n - k + m - 1) / m;
  const int64_t horizon = 20000;
  const double delta = 0.25, base = 16;
  const double log_st = std::log(16.0 * horizon + 1);
  auto admit = [&](double b) {
    const double theta = 0.5 * std::sqrt(b * log_st);
    return testing::BinomialCdf(static_cast<int>(std::floor(b / 2 - theta)), static_cast<int>(b),
                                0.5 - delta);
  };
  double b1 = base;
  while (admit(b1) < 0.99) b1 *= 2;
  const double miss = std::pow(1 - 0.99 * m / n, sweep);
  REQUIRE(2 * miss < 1);
  int sweeps = 0;
  for (double b = b1, days = sweep * (b1 - base); days + sweep * b <= horizon; b *= 2) {
    days += sweep * b;
    ++sweeps;
  }
  const double p_active = 1 - std::pow(miss, sweeps) - 0.01;
  const double regret_bound = delta * sweep * (b1 - base + b1 / (1 - 2 * miss)) +
                              std::sqrt(horizon * std::log(double(k)) / 2);
  INFO("B1 " << b1 << ", miss " << miss << ", sweeps " << sweeps << ", P(active) >= " << p_active
             << ", E[R] <= " << regret_bound);
  int active = 0;
  std::vector<double> regret;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    auto learner = testing::MakeLearner("multiscale_pool(memory=16)");
    auto seq = testing::MakeSequence("planted_bernoulli(delta=0.25)");
    const GameResult r = testing::Play(*learner, *seq, n, horizon, seed);
    const int star = dynamic_cast<const PlantedBernoulli&>(*seq).planted();
    active += dynamic_cast<const MultiscalePool&>(*learner).active().Contains(star);
    regret.push_back(r.points.back().mean_regret);
  }
  testing::CheckSuccessRateAtLeast(active, 24, p_active);
  testing::CheckMeanAtMost(regret, regret_bound);
  // Learning, not just bounded: well below the no-learning delta T = 5000.
  testing::CheckMeanBelow(regret, 0.5 * delta * horizon);
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
