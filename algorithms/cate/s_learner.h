// S-learner: one regression of Y on (X, A, A X), tau(x) = f(x, 1) -
// f(x, 0) (Künzel, Sekhon, Bickel & Yu, "Metalearners for estimating
// heterogeneous treatment effects using machine learning", PNAS 2019, §2,
// Eq. 3). With a linear base model the action must interact with X, or
// tau would be constant; the interaction is part of the single model's
// features, as in the linear S-learner of that paper's §4.
//
// Parameters: the base model's (algorithms/cate/base_model.h; ridge or MLP).
#pragma once

#include "algorithms/cate/learner.h"
#include "algorithms/cate/base_model.h"
#include "sim/params.h"

namespace expertlab::cate {

class SLearner final : public CateLearner {
 public:
  explicit SLearner(const Params& params) : base_(params) {}
  void Fit(const ObservationalData& data, Rng& rng) override;
  CatePrediction Predict(const Eigen::MatrixXd& x) const override;

 private:
  BaseModel base_;
  Regressor model_;
};

}  // namespace expertlab::cate
