// EM's E-step for a softmax Gaussian mixture of experts (Nguyen, Akbarian,
// Ho, "Is Temperature Sample Efficient for Softmax Gaussian Mixture of
// Experts?", ICML 2024; model.h) as one pass over the sample, in blocks of
// GateBlock::kRows rows (gate_block.h):
//
//   R_ji = exp(log g_i(x_j) + log N(y_j; a_i . x_j + b_i, nu_i) - log p(y_j | x_j)),
//
// log p by log-sum-exp over the k experts, and in the same pass everything
// the next M-step reads, so an EM iteration walks the sample once plus one
// pass per trial step of the gate:
//   - each expert's weighted least-squares moments, with z_j = (x_j, 1):
//     sum_j R_ji z_j z_j^T, sum_j R_ji z_j y_j, sum_j R_ji y_j^2, sum_j R_ji;
//   - the gate objective Q = sum R log g with its gradient and Fisher
//     matrix at the model's gate (gate_objective.h).
// Buffers are allocated once per pass (and reused across passes by the
// caller's EStep), never per row.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "algorithms/gmoe/gate_block.h"
#include "algorithms/gmoe/model.h"

namespace expertlab::gmoe {

struct ExpertMoments {
  Eigen::MatrixXd gram;  // (d + 1) x (d + 1)
  Eigen::VectorXd rhs;   // d + 1
  double yy = 0;
  double mass = 0;
};

struct EStep {
  Eigen::MatrixXd responsibilities;  // n x k
  double log_likelihood = 0;
  std::vector<ExpertMoments> experts;
  GateTerms gate;
};

// The E-step of `model` on the sample into `out` (its buffers reused).
void RunEStep(const Model& model, const Eigen::MatrixXd& x, const Eigen::VectorXd& y, EStep& out);

}  // namespace expertlab::gmoe
