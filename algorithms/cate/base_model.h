// The regressions a meta-learner fits (per-arm outcomes, imputed effects,
// pseudo-outcomes): ridge regression (algorithms/cate/linear.h, closed form)
// or an MLP (algorithms/cate/mlp.h), chosen by the `base` parameter. The
// propensity model of the X- and DR-learners stays a ridge-logistic
// regression whatever the base: it enters only through clipped weights.
//
// Parameters (every meta-learner)
//   base          ridge | mlp  ridge
//   lambda        double >= 0  1e-4  ridge penalty (mean squared error + lambda ||w||^2)
//   hidden        int >= 1     100   MLP units per layer
//   layers        int >= 1     2     MLP hidden layers
//   epochs        int >= 1     100   MLP passes over the training data
//   batch         int >= 1     128   MLP mini-batch rows
//   lr            double > 0   1e-3  MLP AdamW learning rate
//   weight_decay  double >= 0  1e-4  MLP AdamW decoupled weight decay
// The MLP parameters are ignored with base = ridge, lambda with base = mlp.
#pragma once

#include <Eigen/Dense>
#include <optional>
#include <vector>

#include "algorithms/cate/linear.h"
#include "algorithms/cate/mlp.h"
#include "sim/params.h"
#include "sim/rng.h"

namespace expertlab::cate {

struct BaseModel {
  explicit BaseModel(const Params& params);
  bool mlp = false;
  double lambda = 0;
  MlpSettings settings;
};

std::vector<ParamSpec> BaseModelSpecs();

// A fitted base regression (default-constructed: unfitted).
class Regressor {
 public:
  Regressor() = default;
  // Fits y on x; an MLP base draws its initialisation and batches from rng.
  Regressor(const BaseModel& base, const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Rng& rng);
  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const;

 private:
  LinearModel linear_;
  std::optional<MlpRegressor> mlp_;
};

}  // namespace expertlab::cate
