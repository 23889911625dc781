// The gate's part of the EM objective and its maximisation (the gate
// M-step of EM for a softmax Gaussian mixture of experts).
//
//   Q(theta) = sum_j sum_i R_ji log g_i(x_j; theta),
//
// R the E-step's responsibilities, theta = (beta1_i, beta0_i for the k-1
// non-reference experts, then log tau when tau is estimated). With
// logit_ji = (s(beta1_i . x_j) + beta0_i) / tau (gate.h):
//   dQ/dlogit_ji   = R_ji - r_j g_ji,  r_j = sum_i R_ji,
//   dlogit/dbeta1_i = s'(beta1_i . x_j) x_j / tau,  dlogit/dbeta0_i = 1/tau,
//   dlogit/dlog tau = -logit_ji.
// The curvature used is the Fisher (Gauss-Newton) matrix
//   F = sum_j J_j^T r_j (diag g_j - g_j g_j^T) J_j,  J_j = dlogit_j/dtheta,
// exact for the plain softmax gate (IRLS, as in the Demystifying paper's
// EM, Nguyen, Nguyen, Ho, NeurIPS 2023, Appendix on simulations) and
// positive semi-definite for every gate. It is exactly singular along the
// scale direction (beta1, beta0, 1) of a positively homogeneous gate
// (Euler's identity), so the step is Levenberg-Marquardt damped
// (Marquardt's diagonal scaling), log tau is kept in [-10, 10] (a compact
// parameter set, as the MLE theory assumes), and a step is accepted only
// if Q increases: the EM
// log-likelihood can then never decrease (a generalised EM step).
#pragma once

#include <Eigen/Core>

#include "algorithms/gmoe/gate_block.h"
#include "algorithms/gmoe/model.h"

namespace expertlab::gmoe {

int NumGateParams(const Model& model);
Eigen::VectorXd PackGate(const Model& model);
void UnpackGate(const Eigen::VectorXd& theta, Model& model);

// Q at the model's gate and, with derivatives, its gradient and the
// Fisher matrix above: one pass over the sample (gate_block.h).
GateTerms GateTermsOver(const Model& model, const Eigen::MatrixXd& x,
                        const Eigen::MatrixXd& responsibilities, bool derivatives);
// The same with optional outputs.
double GateObjective(const Model& model, const Eigen::MatrixXd& x,
                     const Eigen::MatrixXd& responsibilities, Eigen::VectorXd* gradient = nullptr,
                     Eigen::MatrixXd* fisher = nullptr);

struct GateStepResult {
  double objective_before = 0;
  double objective_after = 0;
  int steps = 0;   // accepted damped Newton steps
  int trials = 0;  // steps evaluated, one pass over the sample each
};

// Up to `max_steps` accepted damped Newton steps on Q, stopping once a step
// improves Q by at most `rel_tol` |Q|. Q never decreases. `at_model`, if
// given, holds Q's terms with derivatives at the model's gate (EM's E-step
// computes them in its pass); each trial step is one pass that also gives
// the next step's terms.
GateStepResult MaximizeGate(Model& model, const Eigen::MatrixXd& x,
                            const Eigen::MatrixXd& responsibilities, int max_steps,
                            double rel_tol, const GateTerms* at_model = nullptr);

}  // namespace expertlab::gmoe
