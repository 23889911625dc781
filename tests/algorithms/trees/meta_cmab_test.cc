#include "algorithms/trees/meta_cmab.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/trees/conformance.h"

namespace expertlab::trees {
namespace {

TEST_CASE("meta_cmab conformance and determinism", "[unit][determinism]") {
  testing::CheckAdviceConformance("meta_cmab");
  testing::CheckAdviceConformance("meta_cmab(explore=0,ridge=1)");
}

TEST_CASE("meta_cmab follows a single globally reliable expert", "[theory]") {
  // Expert 0 is always right; experts 1-3 are right with probability 1/4
  // (K = 4) and otherwise name the shared wrong class. The Bayes rule
  // follows expert 0 (accuracy 1). LinUCB's width on x shrinks as
  // 1 / sqrt(rounds), so after 1000 of 2000 rounds it follows expert 0 in
  // all but a few rounds: accuracy >= 0.98 over the last 1000 (20 wrong
  // rounds allowed), in each of 5 seeds.
  const std::vector<double> honesty = {1.0, 0.25, 0.25, 0.25};
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const auto rounds = testing::TwoRegionRounds({honesty, honesty}, 4, 2000, seed);
    auto learner = testing::MakeLearner("meta_cmab");
    const double accuracy =
        testing::PlayRounds(*learner, testing::TwoRegionProblem(4, 4, 2000), rounds, 1000, seed);
    INFO("seed " << seed);
    CHECK(accuracy >= 0.98);
  }
}

}  // namespace
}  // namespace expertlab::trees
