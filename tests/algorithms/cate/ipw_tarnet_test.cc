#include <catch2/catch.hpp>

#include "algorithms/cate/tarnet.h"
#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TEST_CASE("ipw_tarnet conformance and determinism", "[unit][determinism]") {
  testing::CheckLearnerConformance("ipw_tarnet(epochs=5, hidden=16)");
}

TEST_CASE("ipw_tarnet under a fair-coin decision maker (every inverse weight 2) is TARNet",
          "[theory]") {
  testing::LinearWorld world = testing::MakeLinearWorld(400, 4, 1.0, 4);
  world.data.propensity.setConstant(0.5);
  testing::CheckReducesToTarNet("ipw_tarnet", "clip=0.01", world.data);
}

}  // namespace
}  // namespace expertlab::cate
