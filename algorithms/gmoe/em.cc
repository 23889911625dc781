#include "algorithms/gmoe/em.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>

#include "algorithms/gmoe/gate_objective.h"
#include "sim/check.h"

namespace expertlab::gmoe {

void UpdateExperts(Model& model, const EStep& e_step, double var_floor) {
  const int d = model.d();
  const double n = static_cast<double>(e_step.responsibilities.rows());
  for (int i = 0; i < model.k(); ++i) {
    const ExpertMoments& m = e_step.experts[i];
    // An expert with (numerically) no responsibility keeps its parameters:
    // its least-squares problem is undetermined.
    if (!(m.mass > 1e-10 * n)) continue;
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(m.gram);
    if (ldlt.info() != Eigen::Success || !(ldlt.rcond() > 1e-14)) continue;
    const Eigen::VectorXd coef = ldlt.solve(m.rhs);
    model.a.row(i) = coef.head(d).transpose();
    model.b[i] = coef[d];
    // sum_j R_ji (y_j - z_j . c)^2 = yy - 2 c . rhs + c^T gram c, for any c.
    const double squares = m.yy - 2 * coef.dot(m.rhs) + coef.dot(m.gram * coef);
    model.nu[i] = std::max(squares / m.mass, var_floor);
  }
}

double EmIteration(Model& model, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                   EStep& e_step, int gate_steps, double gate_tol, double var_floor) {
  UpdateExperts(model, e_step, var_floor);
  // The experts' update leaves the gate, so the E-step's gate terms hold.
  MaximizeGate(model, x, e_step.responsibilities, gate_steps, gate_tol, &e_step.gate);
  RunEStep(model, x, y, e_step);
  return e_step.log_likelihood;
}

Em::Em(const Params& params)
    : max_iter_(static_cast<int>(params.Int("max_iter"))),
      tol_(params.Double("tol")),
      gate_steps_(static_cast<int>(params.Int("gate_steps"))),
      var_floor_(params.Double("var_floor")) {}

ParamValues Em::EffectiveParams() const {
  return {{"max_iter", max_iter_},
          {"tol", tol_},
          {"gate_steps", gate_steps_},
          {"var_floor", var_floor_}};
}

FitResult Em::Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Model& init) const {
  CheckSample(init, x, y);
  FitResult fit;
  fit.model = init;
  for (int i = 0; i < fit.model.k(); ++i) fit.model.nu[i] = std::max(fit.model.nu[i], var_floor_);
  EStep e_step;
  RunEStep(fit.model, x, y, e_step);
  double loglik = e_step.log_likelihood;
  fit.log_likelihood_trace.push_back(loglik);
  for (int it = 0; it < max_iter_; ++it) {
    // The gate's Newton steps stop well inside EM's own tolerance.
    const double next = EmIteration(fit.model, x, y, e_step, gate_steps_, 1e-3 * tol_, var_floor_);
    fit.log_likelihood_trace.push_back(next);
    ++fit.iterations;
    const double change = next - loglik;
    loglik = next;
    if (std::abs(change) <= tol_ * std::abs(loglik)) {
      fit.converged = true;
      break;
    }
  }
  fit.log_likelihood = loglik;
  return fit;
}

EXPERTLAB_REGISTER(MixtureEstimator, Em, "em",
                   "EM: weighted least squares experts, damped Newton gate (log tau included)",
                   {ParamSpec::Int("max_iter", 2000, Bounds::AtLeast(1), "EM iterations at most"),
                    ParamSpec::Double("tol", 1e-6, Bounds::Positive(),
                                      "relative log-likelihood change that stops EM"),
                    ParamSpec::Int("gate_steps", 20, Bounds::AtLeast(1),
                                   "damped Newton steps per gate M-step at most"),
                    ParamSpec::Double("var_floor", 1e-8, Bounds::Positive(),
                                      "lower bound on every expert variance")})

}  // namespace expertlab::gmoe
