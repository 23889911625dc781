// The softmax Gaussian mixture of experts: conditional density, gate
// probabilities, responsibilities and a sampler for the true model.
//
//   p(y | x) = sum_{i=1}^k g_i(x) N(y; a_i . x + b_i, nu_i),
//   g(x) = softmax((s(beta1_i . x) + beta0_i) / tau)   (gate.h),
//
// linear experts with their own variances nu_i > 0, as in Nguyen, Akbarian,
// Ho, "Is Temperature Sample Efficient for Softmax Gaussian Mixture of
// Experts?" (ICML 2024), Sec. 1, and Nguyen, Nguyen, Ho, "Demystifying
// Softmax Gating Function in Gaussian Mixture of Experts" (NeurIPS 2023),
// Eq. (1). The last expert is the reference: beta1_k = 0, beta0_k = 0.
// Every density is computed in logs (log-sum-exp), in double.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "algorithms/gmoe/gate.h"
#include "sim/rng.h"

namespace expertlab::gmoe {

struct Model {
  Gate gate;
  Eigen::MatrixXd beta1;  // k x d, last row 0
  Eigen::VectorXd beta0;  // k, last entry 0
  double tau = 1.0;
  Eigen::MatrixXd a;      // k x d expert slopes
  Eigen::VectorXd b;      // k expert intercepts
  Eigen::VectorXd nu;     // k expert variances

  int k() const { return static_cast<int>(b.size()); }
  int d() const { return static_cast<int>(a.cols()); }
  // Free parameters: (k-1)(d+1) gate, tau if estimated, k(d+2) experts.
  int NumFreeParams() const;
  // Error naming the offending field unless k >= 1, shapes agree, the
  // reference row is zero, tau > 0 and every nu > 0.
  void Validate() const;
};

// Error unless the sample is usable for fitting `model`: x is n x d with
// n = y.size(), values finite, and n at least the number of free
// parameters (fewer observations than parameters leave the MLE undefined).
void CheckSample(const Model& model, const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

// A model with k experts in dimension d, every parameter zero, nu = 1.
Model ZeroModel(const Gate& gate, int k, int d);

// Gate logits (n x k) and log g(x) (n x k, log-softmax of the logits).
Eigen::MatrixXd GateLogits(const Model& model, const Eigen::MatrixXd& x);
Eigen::MatrixXd LogGate(const Model& model, const Eigen::MatrixXd& x);

// log g_i(x_j) + log N(y_j; a_i . x_j + b_i, nu_i), n x k.
Eigen::MatrixXd JointLogDensity(const Model& model, const Eigen::MatrixXd& x,
                                const Eigen::VectorXd& y);
// sum_j log p(y_j | x_j).
double LogLikelihood(const Model& model, const Eigen::MatrixXd& x, const Eigen::VectorXd& y);
// Row-wise log-sum-exp of a matrix.
Eigen::VectorXd RowLogSumExp(const Eigen::MatrixXd& m);

struct Sample {
  Eigen::MatrixXd x;      // n x d
  Eigen::VectorXd y;      // n
  std::vector<int> expert;  // the latent expert of each draw
};

// n i.i.d. pairs: x ~ U[0,1]^d, expert ~ g(x), y ~ N(a . x + b, nu). Draws
// one pair at a time from `rng`, so the first m of an n-sample are the
// m-sample of the same stream (nested samples along n).
Sample DrawSample(const Model& model, int n, Rng& rng);
// y and the latent experts for given inputs (rows of x).
Sample DrawResponses(const Model& model, const Eigen::MatrixXd& x, Rng& rng);

}  // namespace expertlab::gmoe
