#include "algorithms/gmoe/gate_objective.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <vector>

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

  // Column-wise over the sample: expert i's rows of J are
  // u_ji = (s'(w_ji) x_j / tau, 1 / tau) on its own block and -logit_ji on
  // log tau, so every block of J^T W J is a weighted product of n-row
  // matrices.
  const int n = static_cast<int>(x.rows()), k = model.k(), d = model.d();
  const int p = NumGateParams(model), b = d + 1;
  const bool tau = model.gate.learn_tau;
  const Eigen::MatrixXd w = x * model.beta1.transpose();
  const Eigen::MatrixXd logits = GateLogits(model, x);
  const Eigen::MatrixXd g = log_gate.array().exp();
  const Eigen::VectorXd r = responsibilities.rowwise().sum();
  const Eigen::MatrixXd residual = responsibilities - r.asDiagonal() * g;
  std::vector<Eigen::MatrixXd> u(k - 1, Eigen::MatrixXd(n, b));
  for (int i = 0; i + 1 < k; ++i) {
    Eigen::VectorXd slope(n);
    for (int j = 0; j < n; ++j) slope[j] = model.gate.ScoreDerivative(w(j, i)) / model.tau;
    u[i].leftCols(d) = slope.asDiagonal() * x;
    u[i].col(d).setConstant(1.0 / model.tau);
  }
  if (gradient != nullptr) {
    gradient->resize(p);
    for (int i = 0; i + 1 < k; ++i) gradient->segment(i * b, b) = u[i].transpose() * residual.col(i);
    if (tau) (*gradient)[p - 1] = -(residual.array() * logits.array()).sum();
  }
  if (fisher != nullptr) {
    fisher->setZero(p, p);
    // W_j[i][l] = r_j (delta_il g_ji - g_ji g_jl); column i of W times
    // logits, summed over l, couples expert i with log tau.
    Eigen::VectorXd weight(n), tau_coupling(n);
    const Eigen::VectorXd g_logit = (g.array() * logits.array()).rowwise().sum();
    for (int i = 0; i + 1 < k; ++i) {
      for (int l = i; l + 1 < k; ++l) {
        weight = -(r.array() * g.col(i).array() * g.col(l).array()).matrix();
        if (l == i) weight += (r.array() * g.col(i).array()).matrix();
        const Eigen::MatrixXd block = u[i].transpose() * weight.asDiagonal() * u[l];
        fisher->block(i * b, l * b, b, b) = block;
        fisher->block(l * b, i * b, b, b) = block.transpose();
      }
      if (tau) {
        // sum_l W_j[i][l] (-logit_jl) = -r_j g_ji (logit_ji - sum_l g_jl logit_jl)
        tau_coupling = -(r.array() * g.col(i).array() *
                         (logits.col(i).array() - g_logit.array())).matrix();
        const Eigen::VectorXd column = u[i].transpose() * tau_coupling;
        fisher->block(i * b, p - 1, b, 1) = column;
        fisher->block(p - 1, i * b, 1, b) = column.transpose();
      }
    }
    if (tau) {
      // logit^T W logit = r (sum_i g_i logit_i^2 - (sum_i g_i logit_i)^2)
      const Eigen::VectorXd g_logit2 = (g.array() * logits.array().square()).rowwise().sum();
      (*fisher)(p - 1, p - 1) =
          (r.array() * (g_logit2.array() - g_logit.array().square())).sum();
    }
  }
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
      // First-order gain of the step: below the tolerance no damping makes
      // the step worth a pass over the data.
      if (!(grad.dot(delta) > rel_tol * std::abs(q))) break;
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
