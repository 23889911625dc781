#include <catch2/catch.hpp>

#include "algorithms/cate/tarnet.h"
#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TEST_CASE("cfrnet conformance and determinism", "[unit][determinism]") {
  testing::CheckLearnerConformance("cfrnet(epochs=5, hidden=16)");
}

TEST_CASE("cfrnet with a zero balancing weight is the TARNet baseline", "[theory]") {
  testing::CheckReducesToTarNet("cfrnet", "alpha=0", testing::MakeLinearWorld(400, 4, 1.0, 4).data);
}

}  // namespace
}  // namespace expertlab::cate
