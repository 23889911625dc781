#include "algorithms/cate/t_learner.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TEST_CASE("t_learner conformance and determinism", "[unit][determinism]") {
  testing::CheckLearnerConformance("t_learner");
}

TEST_CASE("t_learner recovers a linear tau from noiseless linear outcomes", "[theory]") {
  testing::CheckRecoversLinearTau("t_learner");
}

TEST_CASE("t_learner with an MLP base follows a nonlinear effect ridge cannot", "[theory]") {
  testing::CheckMlpBaseFollowsNonlinearTau("t_learner", true);
}

}  // namespace
}  // namespace expertlab::cate
