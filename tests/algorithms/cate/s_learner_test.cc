#include "algorithms/cate/s_learner.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TEST_CASE("s_learner conformance and determinism", "[unit][determinism]") {
  testing::CheckLearnerConformance("s_learner");
}

TEST_CASE("s_learner recovers a linear tau from noiseless linear outcomes", "[theory]") {
  testing::CheckRecoversLinearTau("s_learner");
}

TEST_CASE("s_learner with an MLP base follows a nonlinear effect ridge cannot", "[theory]") {
  testing::CheckMlpBaseFollowsNonlinearTau("s_learner", true);
}

}  // namespace
}  // namespace expertlab::cate
