// X-learner (Künzel, Sekhon, Bickel & Yu, "Metalearners for estimating
// heterogeneous treatment effects using machine learning", PNAS 2019, §3,
// Eqs. 5-9): per-arm fits mu_0, mu_1; imputed effects
// D1 = Y - mu_0(X) on the treated and D0 = mu_1(X) - Y on the controls;
// fits tau_1 on D1 and tau_0 on D0; tau = g tau_0 + (1 - g) tau_1
// with g = e(x) a ridge-logistic propensity fit (the paper's suggested
// weight), clipped to [clip, 1 - clip].
//
// Parameters: the base model's (algorithms/cate/base_model.h; ridge or MLP
// for mu_a and tau_a) and
//   clip    double [0, 0.5)  0.01  propensity clipping
#pragma once

#include "algorithms/cate/learner.h"
#include "algorithms/cate/linear.h"
#include "algorithms/cate/t_learner.h"
#include "sim/params.h"

namespace expertlab::cate {

// The clip parameter and the propensity model's penalty (shared by X and DR).
// The base model's parameters and the propensity clip (X and DR).
std::vector<ParamSpec> PropensityLearnerSpecs();
constexpr double kPropensityLambda = 1e-3;

class XLearner final : public CateLearner {
 public:
  explicit XLearner(const Params& params) : base_(params), clip_(params.Double("clip")) {}
  void Fit(const ObservationalData& data, Rng& rng) override;
  CatePrediction Predict(const Eigen::MatrixXd& x) const override;

 private:
  BaseModel base_;
  double clip_;
  ArmModels arms_;
  Regressor tau0_, tau1_;
  LinearModel propensity_;
};

}  // namespace expertlab::cate
