#include "algorithms/cate/x_learner.h"

#include "sim/registry.h"

namespace expertlab::cate {

std::vector<ParamSpec> PropensityLearnerSpecs() {
  std::vector<ParamSpec> specs = BaseModelSpecs();
  specs.push_back(ParamSpec::Double("clip", 0.01, Bounds{0, 0.5, false, true},
                                    "propensity estimates are clipped to [clip, 1 - clip]"));
  return specs;
}

void XLearner::Fit(const ObservationalData& data, Rng& rng) {
  arms_ = FitArmModels(data, base_, rng);
  const ObservationalData control = data.Subset(ArmRows(data, 0));
  const ObservationalData treated = data.Subset(ArmRows(data, 1));
  tau1_ = Regressor(base_, treated.x, treated.y - arms_.mu0.Predict(treated.x), rng);
  tau0_ = Regressor(base_, control.x, arms_.mu1.Predict(control.x) - control.y, rng);
  propensity_ = FitLogistic(data.x, data.Actions(), kPropensityLambda);
}

CatePrediction XLearner::Predict(const Eigen::MatrixXd& x) const {
  const Eigen::VectorXd g = ClippedSigmoid(propensity_.Predict(x), clip_);
  CatePrediction p{arms_.mu0.Predict(x), arms_.mu1.Predict(x), {}};
  p.tau =
      g.cwiseProduct(tau0_.Predict(x)) + (1 - g.array()).matrix().cwiseProduct(tau1_.Predict(x));
  return p;
}

EXPERTLAB_REGISTER(CateLearner, XLearner, "x_learner",
                   "X-learner: imputed effects per arm, propensity-weighted (ridge or MLP bases)",
                   {PropensityLearnerSpecs()});

}  // namespace expertlab::cate
