#include "algorithms/cate/x_learner.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TEST_CASE("x_learner conformance and determinism", "[unit][determinism]") {
  testing::CheckLearnerConformance("x_learner", false);
}

TEST_CASE("x_learner recovers a linear tau from noiseless linear outcomes", "[theory]") {
  testing::CheckRecoversLinearTau("x_learner");
}

TEST_CASE("x_learner with an MLP base follows a nonlinear effect ridge cannot", "[theory]") {
  testing::CheckMlpBaseFollowsNonlinearTau("x_learner", false);
}

}  // namespace
}  // namespace expertlab::cate
