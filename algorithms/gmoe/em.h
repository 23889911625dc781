// EM for a softmax Gaussian mixture of experts with any gate of gate.h.
//
// E-step: responsibilities R_ji = P(expert i | x_j, y_j) by log-sum-exp,
// fused with the moments the M-step reads (e_step.h): one pass over the
// sample. M-step: each expert's (a_i, b_i) by weighted least squares with
// weights R_.i and nu_i = weighted mean squared residual (floored at
// var_floor); the gate by damped Newton steps on Q (gate_objective.h), one
// pass per trial step, log tau among the gate parameters when tau is
// estimated. Each M-step does not decrease
// the expected complete-data log-likelihood, so the log-likelihood never
// decreases (Dempster, Laird, Rubin, JRSS-B 1977, Thm 1, for generalised EM).
// Stop when |delta loglik| <= tol |loglik| or after max_iter iterations, the
// rule of the EM (meteorits' emNMoE, used by Nguyen, Nguyen, Ho,
// "Demystifying Softmax Gating Function in Gaussian Mixture of Experts",
// NeurIPS 2023, for its simulations: 2000 iterations, tol 1e-6, IRLS gate
// step of up to 300 Newton steps).
//
// Parameters:
//   max_iter    EM iterations at most                         (2000)
//   tol         relative log-likelihood change that stops      (1e-6)
//   gate_steps  damped Newton steps per gate M-step at most    (20)
//   var_floor   lower bound on every expert variance           (1e-8)
#pragma once

#include "algorithms/gmoe/e_step.h"
#include "algorithms/gmoe/estimator.h"
#include "sim/params.h"

namespace expertlab::gmoe {

class Em final : public MixtureEstimator {
 public:
  explicit Em(const Params& params);
  FitResult Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                const Model& init) const override;
  ParamValues EffectiveParams() const override;

 private:
  int max_iter_;
  double tol_;
  int gate_steps_;
  double var_floor_;
};

// One EM iteration from the E-step of `model`: the experts' M-step, the
// gate's (up to gate_steps damped Newton steps, starting from the gate terms
// the E-step computed), then the E-step of the new model into `e_step`;
// returns its log-likelihood.
double EmIteration(Model& model, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                   EStep& e_step, int gate_steps, double gate_tol, double var_floor);
// The experts' M-step alone: each expert's weighted least squares from the
// E-step's moments (the normal equations, solved by LDLT), and
// nu_i = sum_j R_ji (y_j - z_j . c_i)^2 / sum_j R_ji, expanded in the
// moments, floored at var_floor.
void UpdateExperts(Model& model, const EStep& e_step, double var_floor);

}  // namespace expertlab::gmoe
