#include "algorithms/trees/oracle.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/trees/conformance.h"
#include "theory/trees_reward.h"

namespace expertlab::trees {
namespace {

TEST_CASE("oracle conformance and determinism", "[unit][determinism]") {
  testing::CheckAdviceConformance("oracle");
}

TEST_CASE("oracle with one region is Meta-CMAB", "[unit]") {
  const AdviceBandit bandit = testing::MakeBandit(1, 6, 800, 21);
  CHECK(testing::Play("oracle", bandit, 2, 3).reward ==
        testing::Play("meta_cmab", bandit, 2, 3).reward);
}

TEST_CASE("oracle approaches the region Bayes reward", "[theory]") {
  // R = 4, N = 8, K = 3, T = 8000 (2000 rounds per region): the mean reward
  // over 10 seeds is at most the Bayes reward plus 4 standard errors of a
  // mean of 80000 rewards (4 * 0.5 / sqrt(80000) = 0.007), and at least it
  // minus 0.03 (LinUCB's learning cost per region with d = 9 over 2000
  // rounds; the Bayes rule also differs from the linear rule when all
  // experts agree).
  double total = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const AdviceBandit bandit = testing::MakeBandit(4, 8, 8000, seed, 3);
    total += testing::Play("oracle", bandit, 2, seed).reward.back() / 8000.0;
  }
  const double mean = total / 10, bayes = theory::RegionBayesReward(8, 3);
  INFO("oracle " << mean << ", Bayes " << bayes);
  CHECK(mean <= bayes + 0.007);
  CHECK(mean >= bayes - 0.03);
}

}  // namespace
}  // namespace expertlab::trees
