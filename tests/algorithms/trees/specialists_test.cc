#include "algorithms/trees/specialists.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/trees/conformance.h"

namespace expertlab::trees {
namespace {

TEST_CASE("specialists conformance and determinism", "[unit][determinism]") {
  testing::CheckAdviceConformance("specialists");
  testing::CheckAdviceConformance("specialists(bins=10)");
  CHECK_THROWS_WITH(testing::MakeLearner("specialists(bins=3)"),
                    Catch::Contains("bins = 3 must divide the 10 deciles"));
}

TEST_CASE("specialists with one bin over one column is EXP4", "[theory]") {
  // One awake specialist per expert, always: the sleeping update's rescaling
  // shifts every log-weight by one constant, which leaves the mixture
  // unchanged up to rounding (~1e-16, so a uniform draw falls between the
  // two cumulative sums with probability ~1e-13 over the run): under one
  // seed the choices equal EXP4's (Freund et al. 1997: with every
  // specialist awake the update is the experts' one).
  const AdviceBandit bandit = testing::MakeBandit(4, 5, 600, 41);
  CHECK(testing::Play("specialists(bins=1)", bandit, 1, 8).reward ==
        testing::Play("exp4", bandit, 1, 8).reward);
}

}  // namespace
}  // namespace expertlab::trees
