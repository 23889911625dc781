#include "algorithms/gmoe/gate_objective.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/gmoe/test_util.h"

namespace expertlab::gmoe {
namespace {

using testing::RandomModel;
using testing::RandomResponsibilities;
using testing::TestRng;

double ObjectiveAt(Model m, const Eigen::VectorXd& theta, const Eigen::MatrixXd& x,
                   const Eigen::MatrixXd& r) {
  UnpackGate(theta, m);
  return GateObjective(m, x, r);
}

// Central differences with step h have truncation error h^2 |Q'''| / 6 and
// rounding error ~ eps |Q| / h; with h = 1e-5, |Q| ~ 1e2 and |Q'''| ~ 1e3
// both stay below 1e-7, so 1e-6 (relative to 1 + |gradient|) is a bound,
// not a fit.
TEST_CASE("gate gradient matches central differences for every gate", "[theory]") {
  Rng rng = TestRng(10);
  constexpr double kH = 1e-5;
  for (const std::string& gate : GateNames()) {
    const Model m = RandomModel(gate, 3, 2, rng);
    const Sample s = DrawSample(m, 60, rng);
    const Eigen::MatrixXd r = RandomResponsibilities(60, 3, rng);
    Eigen::VectorXd grad;
    GateObjective(m, s.x, r, &grad);
    const Eigen::VectorXd theta = PackGate(m);
    for (Eigen::Index p = 0; p < theta.size(); ++p) {
      Eigen::VectorXd up = theta, down = theta;
      up[p] += kH;
      down[p] -= kH;
      const double fd = (ObjectiveAt(m, up, s.x, r) - ObjectiveAt(m, down, s.x, r)) / (2 * kH);
      INFO("gate " << gate << ", parameter " << p);
      CHECK(std::abs(grad[p] - fd) <= 1e-6 * (1 + std::abs(fd)));
    }
  }
}

// For the plain softmax gate the logits are linear in theta, so the Fisher
// matrix is exactly minus the Hessian of Q; compared with central
// differences of the analytic gradient (error as above).
TEST_CASE("softmax gate Fisher matrix is minus the Hessian", "[theory]") {
  Rng rng = TestRng(11);
  const Model m = RandomModel("softmax", 3, 2, rng);
  const Sample s = DrawSample(m, 60, rng);
  const Eigen::MatrixXd r = RandomResponsibilities(60, 3, rng);
  Eigen::VectorXd grad;
  Eigen::MatrixXd fisher;
  GateObjective(m, s.x, r, &grad, &fisher);
  const Eigen::VectorXd theta = PackGate(m);
  constexpr double kH = 1e-5;
  for (Eigen::Index p = 0; p < theta.size(); ++p) {
    Model up = m, down = m;
    Eigen::VectorXd t = theta;
    t[p] += kH;
    UnpackGate(t, up);
    t[p] -= 2 * kH;
    UnpackGate(t, down);
    Eigen::VectorXd g_up, g_down;
    GateObjective(up, s.x, r, &g_up);
    GateObjective(down, s.x, r, &g_down);
    const Eigen::VectorXd column = -(g_up - g_down) / (2 * kH);
    CHECK((column - fisher.col(p)).cwiseAbs().maxCoeff() <= 1e-6 * (1 + fisher.cwiseAbs().maxCoeff()));
  }
}

// Euler's identity for a gate homogeneous of degree 0 in (beta1, beta0,
// tau): the gradient is orthogonal to (beta1, beta0, 1) in (beta1, beta0,
// log tau). Sigmoid, tanh and GELU break it.
TEST_CASE("gate gradient is orthogonal to the scale direction iff the activation is homogeneous",
          "[theory]") {
  Rng rng = TestRng(12);
  for (const std::string gate : {"temperature", "relu", "sigmoid", "tanh", "gelu"}) {
    const Model m = RandomModel(gate, 3, 2, rng);
    const Sample s = DrawSample(m, 60, rng);
    const Eigen::MatrixXd r = RandomResponsibilities(60, 3, rng);
    Eigen::VectorXd grad;
    GateObjective(m, s.x, r, &grad);
    Eigen::VectorXd direction = PackGate(m);
    direction[direction.size() - 1] = 1.0;
    const double along = grad.dot(direction) / (grad.norm() * direction.norm());
    INFO("gate " << gate);
    if (m.gate.PositivelyHomogeneous()) CHECK(std::abs(along) <= 1e-12);
    else CHECK(std::abs(along) >= 1e-4);
  }
}

TEST_CASE("gate M-step never decreases Q and reaches the softmax optimum", "[unit][theory]") {
  Rng rng = TestRng(13);
  for (const std::string& gate : GateNames()) {
    Model m = RandomModel(gate, 3, 1, rng);
    const Sample s = DrawSample(m, 400, rng);
    const Eigen::MatrixXd r = RandomResponsibilities(400, 3, rng);
    const GateStepResult step = MaximizeGate(m, s.x, r, 50, 1e-14);
    INFO("gate " << gate);
    CHECK(step.objective_after >= step.objective_before);
    if (gate == "softmax") {
      // Q is concave in theta: a stationary point is the optimum; Newton
      // converges quadratically, so 50 steps leave a gradient at rounding.
      Eigen::VectorXd grad;
      GateObjective(m, s.x, r, &grad);
      CHECK(grad.norm() <= 1e-6);
    }
  }
}

}  // namespace
}  // namespace expertlab::gmoe
