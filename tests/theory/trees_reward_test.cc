#include "theory/trees_reward.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/trees/conformance.h"

namespace expertlab::theory {
namespace {

TEST_CASE("region Bayes reward: hand-computed small cases", "[theory]") {
  // N = 1, K = 2: an expert (p = 3/4) is followed, a non-expert (p = 1/4)
  // contradicted: 3/4 either way.
  CHECK(RegionBayesReward(1, 2) == Approx(0.75).epsilon(1e-12));
  // N = 1, K = 3: a non-expert's class is avoided (log 3 > log 2) and one of
  // the two others guessed: 3/4 * 1/2. Mean (3/4 + 3/8) / 2.
  CHECK(RegionBayesReward(1, 3) == Approx(0.5625).epsilon(1e-12));
  // N = 2, K = 2 (log-odds +-log 3, log(K - 1) = 0), by membership:
  //   two experts: both honest 9/16 right, split 6/16 a tie (1/2): 3/4;
  //   two non-experts: both lie 9/16 and the other class is right, split 6/16 a tie: 3/4;
  //   one of each: agreement (6/16) a tie over K = 2 (1/2), the expert
  //     honest and the other not (9/16) right, the reverse (1/16) wrong: 3/4.
  CHECK(RegionBayesReward(2, 2) == Approx(0.75).epsilon(1e-12));
  // Many experts: the log-odds majority is almost never wrong.
  CHECK(RegionBayesReward(64, 2) > 0.99);
  CHECK(RegionBayesReward(4, 5) < RegionBayesReward(32, 5));
}

TEST_CASE("region Bayes reward equals a simulated Bayes decision on the environment", "[theory]") {
  // The decision rule of trees_reward.h applied to the bandit's rounds with
  // the true expertise map: the mean over 40000 rounds (8 regions'
  // worth of independent expertise draws per replicate, 10 replicates)
  // lies within 4 standard errors (sd <= 1/2 per round) of the closed form.
  double total = 0;
  int64_t rounds = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const trees::AdviceBandit bandit = trees::testing::MakeBandit(64, 4, 4000, seed, 3);
    const double w = std::log(3.0);
    for (int64_t t = 0; t < bandit.horizon(); ++t) {
      const auto advice = bandit.Advice(t);
      const int region = bandit.Region(t);
      // Log-odds score per named class.
      double score[3] = {0, 0, 0};
      double all = std::log(2.0);
      for (int e = 0; e < 4; ++e) {
        const double le = bandit.IsExpert(e, region) ? w : -w;
        score[advice[static_cast<size_t>(e)]] += le;
        all += le;
      }
      const int first = advice[0];
      int second = first;
      for (int a : advice) second = a != first ? a : second;
      const bool first_right = first == bandit.Label(t);
      double correct;
      if (second == first) {  // all agree: follow, or guess one of the two others
        correct = all > 0 ? (first_right ? 1.0 : 0.0) : (first_right ? 0.0 : 0.5);
      } else {
        const double margin = score[first] - score[second];
        const int pick = margin > 0 ? first : second;
        correct = std::abs(margin) < 1e-9 ? 0.5 : (pick == bandit.Label(t) ? 1.0 : 0.0);
      }
      total += correct;
      ++rounds;
    }
  }
  const double mean = total / static_cast<double>(rounds);
  CHECK(std::abs(mean - RegionBayesReward(4, 3)) <
        4 * 0.5 / std::sqrt(static_cast<double>(rounds)));
}

}  // namespace
}  // namespace expertlab::theory
