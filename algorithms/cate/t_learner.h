// T-learner: one ridge regression of Y on X per arm, tau = mu_1 - mu_0
// (Künzel, Sekhon, Bickel & Yu, "Metalearners for estimating heterogeneous
// treatment effects using machine learning", PNAS 2019, §2, Eq. 4).
//
// Parameters
//   lambda  double >= 0  1e-4  ridge penalty (mean squared error + lambda ||w||^2)
#pragma once

#include "algorithms/cate/learner.h"
#include "algorithms/cate/linear.h"
#include "sim/params.h"

namespace expertlab::cate {

struct ArmModels {
  LinearModel mu0, mu1;
};
// The two per-arm ridge fits every two-stage meta-learner starts from.
ArmModels FitArmModels(const ObservationalData& data, double lambda);

// The lambda parameter the ridge meta-learners share.
ParamSpec RidgeLambdaSpec();

class TLearner final : public CateLearner {
 public:
  explicit TLearner(const Params& params) : lambda_(params.Double("lambda")) {}
  void Fit(const ObservationalData& data, Rng& rng) override;
  CatePrediction Predict(const Eigen::MatrixXd& x) const override;

 private:
  double lambda_;
  ArmModels arms_;
};

}  // namespace expertlab::cate
