#include "algorithms/cate/pipeline.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TEST_CASE("pipeline conformance and determinism", "[unit][determinism]") {
  testing::CheckLearnerConformance(
      "pipeline(predictive=tarnet(epochs=3, hidden=8), balancing=cfrnet(epochs=3, hidden=8))");
}

TEST_CASE("pipeline keeps the predictive learner above the threshold, else switches", "[theory]") {
  // The ratio E_pred / E_prog lies in [0, 1] (E_pred <= E_prog up to the
  // plug-in binning), so a threshold of 0 always keeps the predictive
  // learner and one of 2 always switches; each then predicts exactly as
  // the chosen learner fitted alone with the same stream.
  const testing::LinearWorld world = testing::MakeLinearWorld(400, 4, 2.0, 6);
  const std::string predictive = "tarnet(epochs=3, hidden=8)";
  const std::string balancing = "cfrnet(epochs=3, hidden=8)";
  const std::string spec = "pipeline(predictive=" + predictive + ", balancing=" + balancing;
  const Eigen::VectorXd kept =
      testing::FitPredict(spec + ", threshold=1e-9)", world.data, world.data.x, 2).tau;
  CHECK(kept == testing::FitPredict(predictive, world.data, world.data.x, 2).tau);
  auto learner = Registry<CateLearner>::Instance().Create(spec + ", threshold=2)");
  Rng rng = testing::TestRng(2, 2);
  learner->Fit(world.data, rng);
  CHECK(learner->Choice() == 0.0);
  CHECK(learner->Predict(world.data.x).tau.allFinite());
}

}  // namespace
}  // namespace expertlab::cate
