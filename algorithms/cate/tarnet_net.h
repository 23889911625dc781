// The network every TARNet-family learner trains (Shalit, Johansson &
// Sontag, "Estimating individual treatment effect: generalization bounds
// and algorithms", ICML 2017, §4 and Fig. 1 (TARNet, CFR with a linear-MMD
// IPM); Shi, Blei & Veitch, "Adapting neural networks for the estimation of
// treatment effects", NeurIPS 2019, §2 (DragonNet's propensity head)), with
// trained by the shared AdamW (algorithms/moe/train/adamw.h).
//
//   phi(x) = ReLU(W x + b)                    representation, H units
//   h_a(x) = v_a . phi(x) + c_a               outcome head of arm a
//   g(x)   = sigmoid(u . phi(x) + e)          propensity head
// Loss on a batch of B rows with weights w_i:
//   (1/B) sum_i w_i (h_{a_i}(x_i) - y_i)^2
//   + alpha ||mean_{a=1} phi - mean_{a=0} phi||^2          (balancing)
//   + lambda (1/B) sum_i BCE(g(x_i), a_i)                   (action-predictive)
// Parameters live in one vector theta (W, b, v_0, v_1, c, u, e) so the
// finite-difference check sees one flat block; the optimiser sees its
// segments, with weight decay on W, v and u only.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "algorithms/cate/learner.h"
#include "algorithms/moe/train/adamw.h"
#include "sim/rng.h"

namespace expertlab::cate {

struct TarNetTerms {
  double balance = 0;     // alpha
  double propensity = 0;  // lambda
};

struct TarNetBatch {
  Eigen::MatrixXd x;
  Eigen::VectorXd a, y, weight;
};

class TarNet {
 public:
  // He-normal W (sd sqrt(2 / D)), heads N(0, 1 / H), biases 0.
  TarNet(int dim, int hidden, Rng& rng);

  Eigen::VectorXd& theta() { return theta_; }
  const Eigen::VectorXd& theta() const { return theta_; }
  // The segments of theta and of `grad` (sized like theta) as optimiser
  // blocks, weight decay on W, v and u.
  std::vector<moe::ParamRef<double>> Blocks(Eigen::VectorXd& grad);

  // The loss above; its gradient in `grad` (resized) when non-null.
  double Loss(const TarNetBatch& batch, const TarNetTerms& terms, Eigen::VectorXd* grad) const;
  CatePrediction Predict(const Eigen::MatrixXd& x) const;

 private:
  int dim_, hidden_;
  Eigen::VectorXd theta_;
};

}  // namespace expertlab::cate
