#include "algorithms/cate/t_learner.h"

#include "sim/registry.h"

namespace expertlab::cate {

ArmModels FitArmModels(const ObservationalData& data, double lambda) {
  CheckObservational(data);
  ArmModels arms;
  const ObservationalData control = data.Subset(ArmRows(data, 0));
  const ObservationalData treated = data.Subset(ArmRows(data, 1));
  arms.mu0 = FitRidge(control.x, control.y, lambda);
  arms.mu1 = FitRidge(treated.x, treated.y, lambda);
  return arms;
}

ParamSpec RidgeLambdaSpec() {
  return ParamSpec::Double("lambda", 1e-4, Bounds::AtLeast(0),
                           "ridge penalty (mean squared error + lambda ||w||^2)");
}

void TLearner::Fit(const ObservationalData& data, Rng& /*rng*/) {
  arms_ = FitArmModels(data, lambda_);
}

CatePrediction TLearner::Predict(const Eigen::MatrixXd& x) const {
  CatePrediction p{arms_.mu0.Predict(x), arms_.mu1.Predict(x), {}};
  p.tau = p.mu1 - p.mu0;
  return p;
}

EXPERTLAB_REGISTER(CateLearner, TLearner, "t_learner",
                   "T-learner: a ridge regression per arm, tau = mu1 - mu0", {RidgeLambdaSpec()});

}  // namespace expertlab::cate
