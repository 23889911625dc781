#include "algorithms/cate/mlp.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/cate/linear.h"
#include "tests/algorithms/cate/conformance.h"

namespace expertlab::cate {
namespace {

TEST_CASE("mlp loss gradient matches central finite differences", "[theory]") {
  for (int layers : {1, 2, 3}) {
    Rng rng = testing::TestRng(11, 100 + layers);
    Mlp net(4, 5, layers, rng);
    // Biases start at 0; a unit whose inputs are all dead would then sit
    // exactly on ReLU's kink, where central differences are one-sided.
    for (Eigen::Index k = 0; k < net.theta().size(); ++k) net.theta()(k) += 0.1 * Normal(rng);
    Eigen::MatrixXd x(9, 4);
    Eigen::VectorXd y(9);
    for (int i = 0; i < 9; ++i) {
      for (int j = 0; j < 4; ++j) x(i, j) = Normal(rng);
      y(i) = Normal(rng);
    }
    Eigen::VectorXd grad;
    net.Loss(x, y, &grad);
    Mlp probe = net;
    CAPTURE(layers);
    testing::CheckCentralDifferences(net.theta(), grad, [&](const Eigen::VectorXd& theta) {
      probe.theta() = theta;
      return probe.Loss(x, y, nullptr);
    });
  }
}

// Noiseless y = sin(2 pi x_0) + 2 (x_1 - 1/2)^2 on uniform [0, 1]^3: a
// linear fit cannot follow it (its best R^2 is the share of sin's
// variance along x_0, about 0.61), an MLP should.
double Curve(const Eigen::RowVectorXd& x) {
  return std::sin(2 * M_PI * x(0)) + 2 * (x(1) - 0.5) * (x(1) - 0.5);
}

TEST_CASE("mlp regressor fits a smooth nonlinear function a linear model cannot", "[theory]") {
  Rng rng = testing::TestRng(12);
  const auto sample = [&](int n, Eigen::MatrixXd& x, Eigen::VectorXd& y) {
    x.resize(n, 3);
    y.resize(n);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < 3; ++j) x(i, j) = rng.Uniform();
      y(i) = Curve(x.row(i));
    }
  };
  Eigen::MatrixXd x, x_test;
  Eigen::VectorXd y, y_test;
  sample(2000, x, y);
  sample(1000, x_test, y_test);
  const double variance = (y_test.array() - y_test.mean()).square().mean();
  const MlpRegressor mlp(x, y, {.hidden = 32, .epochs = 150, .batch = 64, .lr = 3e-3}, rng);
  const double mlp_mse = (mlp.Predict(x_test) - y_test).squaredNorm() / 1000;
  const double ridge_mse = (FitRidge(x, y, 0).Predict(x_test) - y_test).squaredNorm() / 1000;
  INFO("variance " << variance << ", mlp mse " << mlp_mse << ", ridge mse " << ridge_mse);
  CHECK(ridge_mse > 0.3 * variance);
  CHECK(mlp_mse < 0.02 * variance);
}

TEST_CASE("mlp regressor is reproducible and rejects bad shapes", "[unit][determinism]") {
  Rng a = testing::TestRng(13), b = testing::TestRng(13);
  const Eigen::MatrixXd x = Eigen::MatrixXd::Random(50, 2);
  const Eigen::VectorXd y = x.col(0) - x.col(1);
  const MlpSettings settings{.hidden = 8, .epochs = 3, .batch = 16};
  CHECK(MlpRegressor(x, y, settings, a).Predict(x) == MlpRegressor(x, y, settings, b).Predict(x));
  CHECK_THROWS_WITH(MlpRegressor(x, y.head(49), settings, a), Catch::Contains("targets"));
  const MlpRegressor fitted(x, y, settings, a);
  CHECK_THROWS_WITH(fitted.Predict(Eigen::MatrixXd::Zero(3, 5)), Catch::Contains("columns"));
  CHECK_THROWS_WITH(Mlp(2, 0, 1, a), Catch::Contains("expected each >= 1"));
}

}  // namespace
}  // namespace expertlab::cate
