#include "algorithms/gmoe/gate_objective.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <utility>

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

GateTerms GateTermsOver(const Model& model, const Eigen::MatrixXd& x,
                        const Eigen::MatrixXd& responsibilities, bool derivatives) {
  GateBlock block(model);
  GateTerms terms;
  block.Clear(terms, derivatives);
  for (Eigen::Index start = 0; start < x.rows(); start += GateBlock::kRows) {
    const Eigen::Index rows = std::min(GateBlock::kRows, x.rows() - start);
    block.Evaluate(x, start, rows, derivatives);
    block.Accumulate(responsibilities.middleRows(start, rows), derivatives, terms);
  }
  GateBlock::Finish(terms);
  return terms;
}

double GateObjective(const Model& model, const Eigen::MatrixXd& x,
                     const Eigen::MatrixXd& responsibilities, Eigen::VectorXd* gradient,
                     Eigen::MatrixXd* fisher) {
  GateTerms terms =
      GateTermsOver(model, x, responsibilities, gradient != nullptr || fisher != nullptr);
  if (gradient != nullptr) *gradient = std::move(terms.gradient);
  if (fisher != nullptr) *fisher = std::move(terms.fisher);
  return terms.q;
}

GateStepResult MaximizeGate(Model& model, const Eigen::MatrixXd& x,
                            const Eigen::MatrixXd& responsibilities, int max_steps,
                            double rel_tol, const GateTerms* at_model) {
  GateStepResult result;
  if (NumGateParams(model) == 0) {
    result.objective_before = result.objective_after =
        GateTermsOver(model, x, responsibilities, false).q;
    return result;
  }
  GateTerms here = at_model != nullptr ? *at_model : GateTermsOver(model, x, responsibilities, true);
  double q = here.q;
  result.objective_before = q;
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
  GateTerms at_trial;
  for (int step = 0; step < max_steps; ++step) {
    const Eigen::MatrixXd& fisher = here.fisher;
    const Eigen::VectorXd diag =
        fisher.diagonal().cwiseMax(1e-12 * fisher.diagonal().maxCoeff() + 1e-300);
    bool accepted = false;
    while (lambda <= kMaxDamping) {
      Eigen::MatrixXd damped = fisher;
      damped.diagonal() += lambda * diag;
      const Eigen::VectorXd delta = damped.ldlt().solve(here.gradient);
      // First-order gain of the step: below the tolerance no damping makes
      // the step worth a pass over the data.
      if (!(here.gradient.dot(delta) > rel_tol * std::abs(q))) break;
      Eigen::VectorXd theta = PackGate(model) + delta;
      if (model.gate.learn_tau)
        theta[theta.size() - 1] = std::clamp(theta[theta.size() - 1], -kLogTauBound, kLogTauBound);
      if (theta.allFinite()) {
        UnpackGate(theta, trial);
        at_trial = GateTermsOver(trial, x, responsibilities, true);
        ++result.trials;
        if (std::isfinite(at_trial.q) && at_trial.q >= q) {
          accepted = true;
          break;
        }
      }
      lambda *= 10;
    }
    if (!accepted) break;
    model = trial;
    std::swap(here, at_trial);
    lambda = std::max(lambda / 10, 1e-8);
    ++result.steps;
    const double gain = here.q - q;
    q = here.q;
    if (gain <= rel_tol * std::abs(q)) break;
  }
  result.objective_after = q;
  return result;
}

}  // namespace expertlab::gmoe
