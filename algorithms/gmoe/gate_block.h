// One block of rows of the sample through the gate of a softmax Gaussian
// mixture of experts (Nguyen, Akbarian, Ho, "Is Temperature Sample
// Efficient for Softmax Gaussian Mixture of Experts?", ICML 2024; gates as
// in gate.h): the rows' logits, gate probabilities g and log g, and the
// block's share of the gate objective Q, its gradient and its Fisher matrix
// (formulas in gate_objective.h).
//
// It is the kernel shared by the gate objective and EM's fused E-step
// (e_step.h): each walks the sample once, kRows rows at a time, so a
// block's intermediate values stay in cache, and every buffer is allocated
// once per pass, never per row. log g is a log-softmax (the row's largest
// logit subtracted before exponentiating), so no logit overflows.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "algorithms/gmoe/model.h"

namespace expertlab::gmoe {

// Sums over rows: Q = sum_j sum_i R_ji log g_ji and, when derivatives are
// asked for, dQ/dtheta and the Fisher matrix (theta as in gate_objective.h).
struct GateTerms {
  double q = 0;
  Eigen::VectorXd gradient;
  Eigen::MatrixXd fisher;
};

class GateBlock {
 public:
  static constexpr Eigen::Index kRows = 256;

  // Buffers for blocks of up to kRows rows; `model` must outlive the block
  // and keep its gate while the block is used.
  explicit GateBlock(const Model& model);

  // Zeroed terms of the model's sizes (gradient and Fisher only with
  // derivatives).
  void Clear(GateTerms& terms, bool derivatives) const;

  // Rows [start, start + rows) of x (rows <= kRows): design rows (x, 1),
  // logits, g and log g, and with derivatives s'(beta1_i . x) / tau.
  void Evaluate(const Eigen::MatrixXd& x, Eigen::Index start, Eigen::Index rows, bool derivatives);

  // The evaluated block: rows x (d + 1) design (x, 1) and rows x k log g.
  auto Design() const { return design_.topRows(rows_); }
  auto LogGate() const { return log_gate_.topRows(rows_); }

  // Adds the evaluated block's terms under responsibilities `resp` (rows x
  // k); with derivatives, Evaluate must have computed them too. The Fisher
  // matrix gets its upper triangle only: Finish completes it.
  void Accumulate(const Eigen::Ref<const Eigen::MatrixXd>& resp, bool derivatives,
                  GateTerms& terms);

  // After the last block: the Fisher matrix's lower triangle from its upper.
  static void Finish(GateTerms& terms);

 private:
  const Model& model_;
  Eigen::Index rows_ = 0;
  Eigen::MatrixXd design_;    // kRows x (d + 1), last column ones
  Eigen::MatrixXd logits_;    // kRows x k; first the scores beta1_i . x
  Eigen::MatrixXd log_gate_;  // kRows x k
  Eigen::MatrixXd g_;         // kRows x k
  Eigen::MatrixXd slope_;     // kRows x k: s'(beta1_i . x) / tau
  Eigen::MatrixXd residual_;  // kRows x k: R - r g
  Eigen::VectorXd r_, weight_, g_logit_;
  std::vector<Eigen::MatrixXd> u_;  // k - 1 blocks of kRows x (d + 1): dlogit_i/d(beta1_i, beta0_i)
  Eigen::MatrixXd scaled_;          // kRows x (d + 1)
};

}  // namespace expertlab::gmoe
