#include "algorithms/gmoe/gate_objective.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>

#include "sim/check.h"

namespace expertlab::gmoe {

int NumGateParams(const Model& model) {
  return (model.k() - 1) * (model.d() + 1) + (model.gate.learn_tau ? 1 : 0);
}

Eigen::VectorXd PackGate(const Model& model) {
  const int d = model.d();
  Eigen::VectorXd theta(NumGateParams(model));
  for (int i = 0; i + 1 < model.k(); ++i) {
    theta.segment(i * (d + 1), d) = model.beta1.row(i).transpose();
    theta[i * (d + 1) + d] = model.beta0[i];
  }
  if (model.gate.learn_tau) theta[theta.size() - 1] = std::log(model.tau);
  return theta;
}

void UnpackGate(const Eigen::VectorXd& theta, Model& model) {
  const int d = model.d();
  EXPERTLAB_CHECK(theta.size() == NumGateParams(model))
      << "gate parameters: expected " << NumGateParams(model) << ", got " << theta.size();
  for (int i = 0; i + 1 < model.k(); ++i) {
    model.beta1.row(i) = theta.segment(i * (d + 1), d).transpose();
    model.beta0[i] = theta[i * (d + 1) + d];
  }
  if (model.gate.learn_tau) model.tau = std::exp(theta[theta.size() - 1]);
}

double GateObjective(const Model& model, const Eigen::MatrixXd& x,
                     const Eigen::MatrixXd& responsibilities, Eigen::VectorXd* gradient,
                     Eigen::MatrixXd* fisher) {
  const Eigen::MatrixXd log_gate = LogGate(model, x);
  const double q = (responsibilities.array() * log_gate.array()).sum();
  if (gradient == nullptr && fisher == nullptr) return q;

  const int n = static_cast<int>(x.rows()), k = model.k(), d = model.d();
  const int p = NumGateParams(model);
  const Eigen::MatrixXd w = x * model.beta1.transpose();
  const Eigen::MatrixXd logits = GateLogits(model, x);
  Eigen::VectorXd grad = Eigen::VectorXd::Zero(p);
  Eigen::MatrixXd info = Eigen::MatrixXd::Zero(p, p);
  Eigen::MatrixXd jac = Eigen::MatrixXd::Zero(k, p);  // dlogit_j / dtheta
  Eigen::VectorXd g(k), residual(k);
  Eigen::MatrixXd weighted(k, p);
  for (int j = 0; j < n; ++j) {
    const double r = responsibilities.row(j).sum();
    for (int i = 0; i < k; ++i) g[i] = std::exp(log_gate(j, i));
    residual = responsibilities.row(j).transpose() - r * g;
    for (int i = 0; i + 1 < k; ++i) {
      const double slope = model.gate.ScoreDerivative(w(j, i)) / model.tau;
      jac.block(i, i * (d + 1), 1, d) = slope * x.row(j);
      jac(i, i * (d + 1) + d) = 1.0 / model.tau;
    }
    if (model.gate.learn_tau) jac.col(p - 1) = -logits.row(j).transpose();
    grad.noalias() += jac.transpose() * residual;
    if (fisher != nullptr) {
      // r (diag g - g g^T) J, then J^T of it.
      weighted = r * (g.asDiagonal() * jac - g * (g.transpose() * jac));
      info.noalias() += jac.transpose() * weighted;
    }
  }
  if (gradient != nullptr) *gradient = grad;
  if (fisher != nullptr) *fisher = info;
  return q;
}

GateStepResult MaximizeGate(Model& model, const Eigen::MatrixXd& x,
                            const Eigen::MatrixXd& responsibilities, int max_steps,
                            double rel_tol) {
  GateStepResult result;
  Eigen::VectorXd grad;
  Eigen::MatrixXd fisher;
  double q = GateObjective(model, x, responsibilities);
  result.objective_before = q;
  if (NumGateParams(model) == 0) {
    result.objective_after = q;
    return result;
  }
  // Marquardt damping: lambda scales the diagonal; shrunk after an accepted
  // step, grown after a rejected one; a step that needs more damping than
  // kMaxDamping is not worth taking (Q is flat to rounding there).
  constexpr double kMaxDamping = 1e12;
  // The MLE is taken over a compact parameter set: |log tau| <= 10. Without
  // a bound, a start far from the truth can drift to the constant gate
  // beta0/tau as tau -> infinity.
  constexpr double kLogTauBound = 10.0;
  double lambda = 1e-4;
  Model trial = model;
  for (int step = 0; step < max_steps; ++step) {
    GateObjective(model, x, responsibilities, &grad, &fisher);
    const Eigen::VectorXd diag = fisher.diagonal().cwiseMax(1e-12 * fisher.diagonal().maxCoeff() + 1e-300);
    bool accepted = false;
    double q_new = q;
    while (lambda <= kMaxDamping) {
      Eigen::MatrixXd damped = fisher;
      damped.diagonal() += lambda * diag;
      const Eigen::VectorXd delta = damped.ldlt().solve(grad);
      Eigen::VectorXd theta = PackGate(model) + delta;
      if (model.gate.learn_tau)
        theta[theta.size() - 1] = std::clamp(theta[theta.size() - 1], -kLogTauBound, kLogTauBound);
      if (theta.allFinite()) {
        UnpackGate(theta, trial);
        q_new = GateObjective(trial, x, responsibilities);
        if (std::isfinite(q_new) && q_new >= q) {
          accepted = true;
          break;
        }
      }
      lambda *= 10;
    }
    if (!accepted) break;
    model = trial;
    lambda = std::max(lambda / 10, 1e-8);
    ++result.steps;
    const double gain = q_new - q;
    q = q_new;
    if (gain <= rel_tol * std::abs(q)) break;
  }
  result.objective_after = q;
  return result;
}

}  // namespace expertlab::gmoe
