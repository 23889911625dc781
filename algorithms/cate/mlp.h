// A fully connected ReLU network for scalar regression: the MLP base model
// of the meta-learners (S, T, X, DR), which Hüyük, Wei, Curth & van der
// Schaar, "Defining Expertise", ICLR 2024 did not compare and which Curth &
// van der Schaar, "Nonparametric estimation of heterogeneous treatment
// effects: from theory to learning algorithms", AISTATS 2021, §5 run with
// neural bases. Trained by the shared AdamW (algorithms/moe/train/adamw.h)
// on shuffled mini-batches with batched Eigen GEMMs.
//
//   h_0 = x,  h_l = ReLU(W_l h_{l-1} + b_l)   l = 1..L, H units each
//   f(x) = v . h_L + c
// Loss on a batch of B rows: (1/B) sum_i (f(x_i) - y_i)^2. Fit trains on
// standardised targets (y - mean) / sd and maps predictions back, so the
// learning rate means the same for any outcome scale. Initialisation:
// W_l He-normal (sd sqrt(2 / fan_in)), v ~ N(0, 1 / H), biases 0; weight
// decay on W_l and v only.
//
// Settings (MlpSettings; the meta-learners' parameters of the same names)
//   hidden        int >= 1     units per layer
//   layers        int >= 1     hidden layers L
//   epochs        int >= 1     passes over the training data
//   batch         int >= 1     mini-batch rows
//   lr            double > 0   AdamW learning rate
//   weight_decay  double >= 0  AdamW decoupled weight decay
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "algorithms/moe/train/adamw.h"
#include "sim/rng.h"

namespace expertlab::cate {

struct MlpSettings {
  int hidden = 100;
  int layers = 2;
  int epochs = 100;
  int batch = 128;
  double lr = 1e-3;
  double weight_decay = 1e-4;
};

class Mlp {
 public:
  Mlp(int dim, int hidden, int layers, Rng& rng);

  Eigen::VectorXd& theta() { return theta_; }
  const Eigen::VectorXd& theta() const { return theta_; }
  // The loss above; its gradient in `grad` (resized) when non-null.
  double Loss(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Eigen::VectorXd* grad) const;
  // f(x) for every row of x.
  Eigen::VectorXd Forward(const Eigen::MatrixXd& x) const;
  // The weight matrices, biases, v and c of theta and of `grad` (sized like
  // theta) as optimiser blocks.
  std::vector<moe::ParamRef<double>> Blocks(Eigen::VectorXd& grad);

 private:
  Eigen::Index WeightOffset(int l) const;  // W_l, then b_l
  Eigen::Index FanIn(int l) const { return l == 0 ? dim_ : hidden_; }
  int dim_, hidden_, layers_;
  Eigen::VectorXd theta_;
};

// An MLP trained on (x, y) with standardised targets, predicting on y's scale.
class MlpRegressor {
 public:
  MlpRegressor(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const MlpSettings& settings,
               Rng& rng);
  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const;

 private:
  Mlp net_;
  double mean_ = 0, scale_ = 1;
};

}  // namespace expertlab::cate
