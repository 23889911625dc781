#include "algorithms/experts/swxz_low_mistake.h"

#include <catch2/catch.hpp>

#include "algorithms/experts/low_mistake.h"
#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE("with a perfect expert the pool converges to it", "[theory]") {
  // M = 0: i* never errs, so once sampled it is never deleted (deletion
  // needs an error), while fair coins are deleted at their first error
  // (err > delta/(8 log n) * age < 1 early on). After that the learner
  // pays nothing. Seeds 1..5, n = 64, S = 8, T = 6000.
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    auto learner = testing::MakeLearner("swxz_low_mistake(memory=8)");
    auto seq = testing::MakeSequence("low_mistake(mistakes=0)");
    const GameResult r = testing::Play(*learner, *seq, 64, 6000, seed);
    const int star = dynamic_cast<const LowMistake&>(*seq).best();
    INFO("seed " << seed);
    CHECK(learner->Holds(star));
    std::vector<int> held;
    learner->HeldExperts(64, held);
    CHECK(held == std::vector<int>{star});
    // ~n/S pools to find i*, each costing ~log2(S) days of ~1/2 loss.
    CHECK(r.points.back().regret < 64.0 / 8 * 20);
  }
}

TEST_CASE("the naive 1 - delta rule lets errors build up", "[theory]") {
  // SWXZ22's "really bad case": deleting only at error rate > 1 - delta
  // keeps fair coins for long, so regret is far larger than with the SWXZ
  // rule on the same instances (delta = 1/2, seeds 1..4, 8x margin).
  double swxz = 0;
  double naive = 0;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    for (const char* rule : {"swxz", "naive"}) {
      auto learner = testing::MakeLearner(
          std::string("swxz_low_mistake(memory=8, delta=0.5, rule=") + rule + ")");
      auto seq = testing::MakeSequence("low_mistake(mistakes=2)");
      const double regret = testing::Play(*learner, *seq, 64, 4000, seed).points.back().regret;
      (std::string(rule) == "swxz" ? swxz : naive) += regret;
    }
  }
  CHECK(naive > 8 * swxz);
}

TEST_CASE("low-mistake pool conformance", "[unit][determinism]") {
  testing::CheckConformance("swxz_low_mistake(memory=8)", 64, 3000, "low_mistake(mistakes=3)");
  testing::CheckConformance("swxz_low_mistake(memory=8, rule=naive)", 64, 3000,
                            "planted_bernoulli(delta=0.2)");
}

}  // namespace
}  // namespace expertlab::experts
