#include <catch2/catch.hpp>

#include "algorithms/cate/tarnet.h"
#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TEST_CASE("action_predictive conformance and determinism", "[unit][determinism]") {
  testing::CheckLearnerConformance("action_predictive(epochs=5, hidden=16)");
}

TEST_CASE("action_predictive with a zero propensity weight is the TARNet baseline", "[theory]") {
  testing::CheckReducesToTarNet("action_predictive", "lambda=0",
                                testing::MakeLinearWorld(400, 4, 1.0, 4).data);
}

}  // namespace
}  // namespace expertlab::cate
