#include "algorithms/experts/swxz_mw.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "algorithms/experts/planted_bernoulli.h"
#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE("SWXZ pool MW obeys the restarted-MW bound", "[theory]") {
  // With k = S = n every pool holds every expert, so between resamples the
  // learner is MW with eps = delta/2 from uniform weights: per round
  // cost <= (1 + eps) L_round(i) + ln n / eps (AHK Thm 2.1), hence overall
  // sum <p, l> <= (1 + eps) L_T(i*) + (rounds) ln n / eps for the best i*.
  for (const char* rule : {"cost", "rate"}) {
    for (const char* instance :
         {"ftl_trap", "planted_bernoulli(delta=0.1)", "random_order(delta=0.1)"}) {
      const int n = 12;
      const int64_t horizon = 4000;
      auto learner = testing::MakeLearner(std::string("swxz_mw(memory=12, "
                                                      "delta=0.2, rule=") +
                                          rule + ")");
      auto seq = testing::MakeSequence(instance);
      const GameResult r = testing::Play(*learner, *seq, n, horizon);
      const auto& swxz = dynamic_cast<const SwxzMw&>(*learner);
      const double eps = swxz.delta() / 2;
      const double rounds = static_cast<double>(swxz.resamples() + 1);
      INFO(rule << " on " << instance << ": " << swxz.resamples() << " resamples");
      CHECK(r.expected_loss <= (1 + eps) * r.best_loss + rounds * std::log(n) / eps);
    }
  }
}

TEST_CASE("SWXZ pool MW finds and keeps the planted expert", "[theory]") {
  // n = 64, k = S = 16, planted gap 0.25 (mu* = alpha = 0.25, the others
  // 1/2), MW with eps = delta/2 = 0.05, slack c = 1/4 (SWXZ22's deviation
  // terms are high-probability bounds; at c = 1 a pool without i* survives
  // for most of this T), T = 10000.
  // - A pool without i* costs about tau/2 over its tau days, and the cost
  //   rule drops it on the first day that tau/2 exceeds (1 + delta/2)(alpha
  //   tau + c(4 sqrt(tau ln T) + 4 ln T/alpha)) + 2 ln n/delta: after D
  //   days, computed below (~900). A pool with i* costs about alpha tau
  //   plus MW's regret and is kept.
  // - Pools are independent samples holding i* with probability p = k/n =
  //   1/4, and T/D of them fit in T: P(the pool holds i* at T) >= 1 - (1 -
  //   p)^floor(T/D) (claim).
  // - Mean-regret: E[bad pools] = (1 - p)/p = 3, each paying the gap 0.25
  //   a day for D days; then MW on a pool with i*: cost <= (1 + eps) L(i*) +
  //   ln k / eps (Arora, Hazan, Kale, Theory of Computing 2012, Thm 2.1),
  //   i.e. mean-regret <= eps mu* T + ln k / eps. Claim: E[R] <= 3 (0.25) D
  //   + eps mu* T + ln k / eps.
  // Both claims over 24 seeds (kTestLevel each).
  const int n = 64, k = 16;
  const int64_t horizon = 10000;
  const double alpha = 0.25, delta = 0.1, slack = 0.25, gap = 0.25, eps = delta / 2;
  const double log_t = std::log(static_cast<double>(horizon));
  double drop_days = 1;
  while (drop_days / 2 <=
         (1 + delta / 2) * (alpha * drop_days +
                            slack * (4 * std::sqrt(drop_days * log_t) + 4 * log_t / alpha)) +
             2 * std::log(double(n)) / delta)
    ++drop_days;
  const double p = double(k) / n;
  const double p_holds = 1 - std::pow(1 - p, std::floor(horizon / drop_days));
  const double regret_bound =
      (1 - p) / p * gap * drop_days + eps * alpha * horizon + std::log(double(k)) / eps;
  INFO("a pool without i* is dropped after " << drop_days << " days; P(holds) >= " << p_holds
                                             << ", E[R] <= " << regret_bound);
  int holds = 0;
  std::vector<double> regret;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    auto learner = testing::MakeLearner("swxz_mw(memory=16, alpha=0.25, delta=0.1, slack=0.25)");
    auto seq = testing::MakeSequence("planted_bernoulli(delta=0.25)");
    const GameResult r = testing::Play(*learner, *seq, n, horizon, seed);
    const int star = dynamic_cast<const PlantedBernoulli&>(*seq).planted();
    holds += learner->Holds(star);
    regret.push_back(r.points.back().mean_regret);
  }
  testing::CheckSuccessRateAtLeast(holds, 24, p_holds);
  testing::CheckMeanAtMost(regret, regret_bound);
  // Learning, not just bounded: well below the no-learning gap * T = 2500.
  testing::CheckMeanBelow(regret, 0.5 * gap * horizon);
}

TEST_CASE("SWXZ pool MW: delta auto and alpha search", "[unit][determinism]") {
  auto learner = testing::MakeLearner("swxz_mw(memory=16)");
  learner->Start(256, 4096, testing::TestRng(1));
  const auto& swxz = dynamic_cast<const SwxzMw&>(*learner);
  // k = n ln n / (delta^2 T) solved for delta.
  CHECK(swxz.delta() == Approx(std::sqrt(256 * std::log(256.0) / (16.0 * 4096))));
  testing::CheckConformance("swxz_mw(memory=16)", 256, 4096);
  testing::CheckConformance("swxz_mw(memory=16, rule=rate)", 256, 2048);
}

}  // namespace
}  // namespace expertlab::experts
