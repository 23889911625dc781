// T-learner: one regression of Y on X per arm, tau = mu_1 - mu_0 (Künzel,
// Sekhon, Bickel & Yu, "Metalearners for estimating heterogeneous treatment
// effects using machine learning", PNAS 2019, §2, Eq. 4).
//
// Parameters: the base model's (algorithms/cate/base_model.h; ridge or MLP).
#pragma once

#include "algorithms/cate/learner.h"
#include "algorithms/cate/base_model.h"
#include "sim/params.h"

namespace expertlab::cate {

struct ArmModels {
  Regressor mu0, mu1;
};
// The two per-arm fits every two-stage meta-learner starts from.
ArmModels FitArmModels(const ObservationalData& data, const BaseModel& base, Rng& rng);

class TLearner final : public CateLearner {
 public:
  explicit TLearner(const Params& params) : base_(params) {}
  void Fit(const ObservationalData& data, Rng& rng) override;
  CatePrediction Predict(const Eigen::MatrixXd& x) const override;

 private:
  BaseModel base_;
  ArmModels arms_;
};

}  // namespace expertlab::cate
