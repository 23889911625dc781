#include "algorithms/cate/dr_learner.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TEST_CASE("dr_learner conformance and determinism", "[unit][determinism]") {
  testing::CheckLearnerConformance("dr_learner", false);
}

TEST_CASE("dr_learner recovers a linear tau from noiseless linear outcomes", "[theory]") {
  testing::CheckRecoversLinearTau("dr_learner");
}

TEST_CASE("dr_learner with an MLP base follows a nonlinear effect ridge cannot", "[theory]") {
  testing::CheckMlpBaseFollowsNonlinearTau("dr_learner", false);
}

}  // namespace
}  // namespace expertlab::cate
