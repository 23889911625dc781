#include "algorithms/cate/tarnet.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TEST_CASE("tarnet conformance and determinism", "[unit][determinism]") {
  testing::CheckLearnerConformance("tarnet(epochs=5, hidden=16)");
}

TEST_CASE("tarnet recovers a linear tau with enough data", "[theory]") {
  // A one-hidden-layer ReLU network approximates a linear function on
  // [0, 1]^4 to within its training error; the test asks PEHE below 10% of
  // sd(tau), far above what 3000 noiseless rows and 200 epochs leave and
  // far below the 100% of the best constant predictor.
  const testing::LinearWorld world = testing::MakeLinearWorld(3000, 4, 1.0, 9);
  const Eigen::VectorXd tau = world.Tau();
  const double sd = std::sqrt((tau.array() - tau.mean()).square().mean());
  const CatePrediction p = testing::FitPredict("tarnet(epochs=200, hidden=32, batch=128, lr=3e-3)",
                                               world.data, world.data.x, 1);
  CHECK(Pehe(p.tau, tau) < 0.1 * sd);
}

}  // namespace
}  // namespace expertlab::cate
