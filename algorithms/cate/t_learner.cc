#include "algorithms/cate/t_learner.h"

#include "sim/registry.h"

namespace expertlab::cate {

ArmModels FitArmModels(const ObservationalData& data, const BaseModel& base, Rng& rng) {
  CheckObservational(data);
  ArmModels arms;
  const ObservationalData control = data.Subset(ArmRows(data, 0));
  const ObservationalData treated = data.Subset(ArmRows(data, 1));
  arms.mu0 = Regressor(base, control.x, control.y, rng);
  arms.mu1 = Regressor(base, treated.x, treated.y, rng);
  return arms;
}

void TLearner::Fit(const ObservationalData& data, Rng& rng) {
  arms_ = FitArmModels(data, base_, rng);
}

CatePrediction TLearner::Predict(const Eigen::MatrixXd& x) const {
  CatePrediction p{arms_.mu0.Predict(x), arms_.mu1.Predict(x), {}};
  p.tau = p.mu1 - p.mu0;
  return p;
}

EXPERTLAB_REGISTER(CateLearner, TLearner, "t_learner",
                   "T-learner: a ridge or MLP regression per arm, tau = mu1 - mu0",
                   {BaseModelSpecs()});

}  // namespace expertlab::cate
