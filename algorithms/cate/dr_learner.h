// DR-learner (Kennedy, "Towards optimal doubly robust estimation of
// heterogeneous causal effects", Electronic Journal of Statistics 2023,
// Algorithm 1): on two folds, nuisances (per-arm mu_a, ridge-logistic
// propensity e, clipped) fitted on one fold give the AIPW pseudo-outcomes
//   phi = mu_1 - mu_0 + A (Y - mu_1) / e - (1 - A) (Y - mu_0) / (1 - e)
// on the other; tau is the regression of phi on X over both folds
// (cross-fitting, Kennedy's Remark 1). mu_0, mu_1 reported by Predict are
// per-arm fits on all the data.
//
// Parameters: the base model's (algorithms/cate/base_model.h; ridge or MLP
// for mu_a and tau) and
//   clip    double [0, 0.5)  0.01  propensity clipping
#pragma once

#include "algorithms/cate/learner.h"
#include "algorithms/cate/linear.h"
#include "algorithms/cate/t_learner.h"
#include "sim/params.h"

namespace expertlab::cate {

class DrLearner final : public CateLearner {
 public:
  explicit DrLearner(const Params& params) : base_(params), clip_(params.Double("clip")) {}
  void Fit(const ObservationalData& data, Rng& rng) override;
  CatePrediction Predict(const Eigen::MatrixXd& x) const override;

 private:
  BaseModel base_;
  double clip_;
  ArmModels arms_;
  Regressor tau_;
};

}  // namespace expertlab::cate
