// S-learner: one ridge regression of Y on (X, A, A X), tau(x) = f(x, 1) -
// f(x, 0) (Künzel, Sekhon, Bickel & Yu, "Metalearners for estimating
// heterogeneous treatment effects using machine learning", PNAS 2019, §2,
// Eq. 3). With a linear base model the action must interact with X, or
// tau would be constant; the interaction is part of the single model's
// features, as in the linear S-learner of that paper's §4.
//
// Parameters
//   lambda  double >= 0  1e-4  ridge penalty (mean squared error + lambda ||w||^2)
#pragma once

#include "algorithms/cate/learner.h"
#include "algorithms/cate/linear.h"
#include "sim/params.h"

namespace expertlab::cate {

class SLearner final : public CateLearner {
 public:
  explicit SLearner(const Params& params) : lambda_(params.Double("lambda")) {}
  void Fit(const ObservationalData& data, Rng& rng) override;
  CatePrediction Predict(const Eigen::MatrixXd& x) const override;

 private:
  double lambda_;
  LinearModel model_;
};

}  // namespace expertlab::cate
