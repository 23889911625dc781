#include "algorithms/trees/advice_linucb.h"

#include <Eigen/Dense>
#include <catch2/catch.hpp>

#include "tests/algorithms/trees/conformance.h"

namespace expertlab::trees {
namespace {

TEST_CASE("Sherman-Morrison updates equal the direct inverse", "[theory]") {
  // After 200 rank-one updates of 100 I (d = 9), the kept inverse equals
  // (100 I + sum x x')^-1 computed by LU to within 1e-12 relative: each
  // update is backward stable and A stays well conditioned (eigenvalues in
  // [100, 100 + 200 d]).
  Rng rng = testing::TestRng(4);
  const int d = 9;
  Eigen::MatrixXd inverse = Eigen::MatrixXd::Identity(d, d) / 100.0;
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(d, d) * 100.0;
  Eigen::VectorXd x(d), workspace(d);
  for (int k = 0; k < 200; ++k) {
    for (int i = 0; i < d; ++i) x[i] = rng.Uniform() * 2 - 1;
    ShermanMorrisonUpdate(inverse, x, workspace);
    a += x * x.transpose();
  }
  const Eigen::MatrixXd direct = a.inverse();
  CHECK((inverse - direct).norm() <= 1e-12 * direct.norm());
}

TEST_CASE("Meta-CMAB model: theta solves the ridge regression of centred rewards", "[theory]") {
  // theta = (100 I + sum x x')^-1 sum (r - 1/K) x with x = [1{advice = a} - 1/K, 1].
  const int n = 3, k = 4;
  AdviceLinUcb model(n, k, 1.0, 100.0);
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n + 1, n + 1) * 100.0;
  Eigen::VectorXd b = Eigen::VectorXd::Zero(n + 1), x(n + 1);
  Rng rng = testing::TestRng(5);
  for (int t = 0; t < 50; ++t) {
    std::vector<int> advice(n);
    for (int& v : advice) v = static_cast<int>(rng.UniformInt(k));
    const int arm = static_cast<int>(rng.UniformInt(k));
    const double reward = rng.Uniform() < 0.5 ? 1.0 : 0.0;
    model.Update(advice, arm, reward);
    for (int i = 0; i < n; ++i) x[i] = (advice[static_cast<size_t>(i)] == arm ? 1.0 : 0.0) - 0.25;
    x[n] = 1.0;
    a += x * x.transpose();
    b += (reward - 0.25) * x;
  }
  const Eigen::VectorXd theta = a.ldlt().solve(b);
  CHECK((model.theta() - theta).norm() <= 1e-12 * (1 + theta.norm()));
}

TEST_CASE("Meta-CMAB model: unadvised arms tie, before any data every arm ties", "[unit]") {
  AdviceLinUcb model(2, 5, 1.0, 100.0);
  std::vector<int> best;
  const std::vector<int> advice = {1, 3};
  model.Greedy(advice, best);
  // A^-1 = I/100 and theta = 0: the score is the width ||x|| / 10, largest
  // for the advised arms (|x|^2 = 1 + 0.8^2 + 0.2^2... vs 2 (0.2^2) + 1).
  CHECK(best == std::vector<int>{1, 3});
}

}  // namespace
}  // namespace expertlab::trees
