#include "algorithms/experts/swxz_low_mistake.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "algorithms/experts/low_mistake.h"
#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

// E[max of k independent Geometric(1/2) lifetimes] (days until the last
// of k fair coins errs): sum_{j >= 0} P(max > j) = sum_j 1 - (1 - 2^-j)^k.
double ExpectedLastFirstError(int k) {
  double total = 0;
  for (int j = 0; j < 200; ++j) total += 1 - std::pow(1 - std::ldexp(1.0, -j), k);
  return total;
}

TEST_CASE("with a perfect expert the pool converges to it", "[theory]") {
  // n = 64, S = k = 8, M = 0, T = 6000; delta auto = n log2^2 n / (S T) =
  // 0.048, so the deletion threshold delta/(8 log2 n) = 0.001 per day of
  // age deletes a fair coin at its first error for the first 1000 days.
  // - i* never errs, so once sampled it is never deleted, and a fair coin
  //   survives its first 1000 days with probability 2^-1000: the pool is
  //   {i*} at T unless i* was never sampled, i.e. P >= 0.99 (claim).
  // - Pools are drawn independently, each holding i* with probability k/n,
  //   so E[pools] = n/k = 8. A pool lives until its last fair coin's first
  //   error (E = ExpectedLastFirstError(8) = 4.4 days) and the learner,
  //   following a random live member, loses 1/2 a day in expectation while
  //   fair coins live, and 0 after (only i* is left): E[R] <= (n/k) 4.4 / 2
  //   = 17.7 (min_i L_i = 0).
  // Both claims over 20 seeds (kTestLevel each).
  const int n = 64, k = 8;
  int converged = 0;
  std::vector<double> regret;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    auto learner = testing::MakeLearner("swxz_low_mistake(memory=8)");
    auto seq = testing::MakeSequence("low_mistake(mistakes=0)");
    const GameResult r = testing::Play(*learner, *seq, n, 6000, seed);
    const int star = dynamic_cast<const LowMistake&>(*seq).best();
    std::vector<int> held;
    learner->HeldExperts(n, held);
    converged += held == std::vector<int>{star};
    regret.push_back(r.points.back().regret);
  }
  testing::CheckSuccessRateAtLeast(converged, 20, 0.99);
  testing::CheckMeanAtMost(regret, (n / k) * ExpectedLastFirstError(k) / 2);
}

TEST_CASE("the naive 1 - delta rule lets errors build up", "[theory]") {
  // SWXZ22's "really bad case": deleting only at error rate > 1 - delta.
  // n = 64, S = k = 8, delta = 1/2, M = 2 (bursts), T = 4000, 20 seeds.
  // - swxz rule: threshold delta/(8 log2 n) = 0.0104 deletes a fair coin at
  //   its first error for 96 days. i* is deleted at most M times (each
  //   deletion needs one of its errors), so at most M + 1 searches of
  //   E = n/k pools each, as in the test above, plus i*'s own M errors:
  //   E[R] <= (M + 1)(n/k) ExpectedLastFirstError(k) / 2 + M = 55.
  // - naive rule: a fair coin is deleted on the first day its errors exceed
  //   half its age, i.e. when a simple random walk first goes above 0:
  //   it survives day t with probability q_t ~ sqrt(2/(pi t)) (computed
  //   exactly below by dynamic programming over its error count), so a
  //   pool of k coins lives long. With probability 1 - k/n the first pool
  //   lacks i*, and the learner then loses 1/2 a day in expectation while
  //   any of its coins lives: E[R] >= (1 - k/n) sum_t (1 - (1 - q_t)^k) / 2
  //   - M (R >= the learner's loss - L(i*), and L(i*) = M).
  // Each claim at kTestLevel.
  const int n = 64, k = 8, mistakes = 2;
  const int64_t horizon = 4000;
  std::vector<double> swxz, naive;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    for (const char* rule : {"swxz", "naive"}) {
      auto learner = testing::MakeLearner(
          std::string("swxz_low_mistake(memory=8, delta=0.5, rule=") + rule + ")");
      auto seq = testing::MakeSequence("low_mistake(mistakes=2)");
      const double regret = testing::Play(*learner, *seq, n, horizon, seed).points.back().regret;
      (std::string(rule) == "swxz" ? swxz : naive).push_back(regret);
    }
  }
  // alive[e]: P(a fair coin has e errors after t days and was never deleted).
  std::vector<double> alive(static_cast<size_t>(horizon) + 2, 0.0);
  alive[0] = 1;
  double pool_days = 0;
  for (int64_t t = 1; t <= horizon; ++t) {
    for (int64_t e = t; e >= 1; --e) alive[e] = 0.5 * alive[e] + 0.5 * alive[e - 1];
    alive[0] *= 0.5;
    double q = 0;
    for (int64_t e = 0; 2 * e <= t; ++e) q += alive[e];  // errors <= age / 2 survive
    for (int64_t e = t / 2 + 1; e <= t; ++e) alive[e] = 0;
    pool_days += 1 - std::pow(1 - q, k);
  }
  testing::CheckMeanAtMost(swxz,
                           (mistakes + 1) * (n / k) * ExpectedLastFirstError(k) / 2 + mistakes);
  testing::CheckMeanAtLeast(naive, (1 - double(k) / n) * pool_days / 2 - mistakes);
}

TEST_CASE("low-mistake pool conformance", "[unit][determinism]") {
  testing::CheckConformance("swxz_low_mistake(memory=8)", 64, 3000, "low_mistake(mistakes=3)");
  testing::CheckConformance("swxz_low_mistake(memory=8, rule=naive)", 64, 3000,
                            "planted_bernoulli(delta=0.2)");
}

}  // namespace
}  // namespace expertlab::experts
