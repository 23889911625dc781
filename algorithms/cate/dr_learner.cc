#include "algorithms/cate/dr_learner.h"

#include <numeric>

#include "algorithms/cate/x_learner.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::cate {
void DrLearner::Fit(const ObservationalData& data, Rng& rng) {
  arms_ = FitArmModels(data, base_, rng);
  std::vector<Eigen::Index> order(data.Size());
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  Shuffle(rng, order);
  const std::vector<Eigen::Index> folds[2] = {{order.begin(), order.begin() + data.Size() / 2},
                                              {order.begin() + data.Size() / 2, order.end()}};
  Eigen::VectorXd pseudo(data.Size());
  for (int k = 0; k < 2; ++k) {
    const ObservationalData nuisance = data.Subset(folds[1 - k]);
    const ObservationalData target = data.Subset(folds[k]);
    const ArmModels arms = FitArmModels(nuisance, base_, rng);
    const Eigen::VectorXd e = ClippedSigmoid(
        FitLogistic(nuisance.x, nuisance.Actions(), kPropensityLambda).Predict(target.x), clip_);
    const Eigen::VectorXd mu0 = arms.mu0.Predict(target.x), mu1 = arms.mu1.Predict(target.x);
    for (Eigen::Index i = 0; i < target.Size(); ++i) {
      const double a = target.a[i], y = target.y(i);
      pseudo(folds[k][i]) =
          mu1(i) - mu0(i) + a * (y - mu1(i)) / e(i) - (1 - a) * (y - mu0(i)) / (1 - e(i));
    }
  }
  tau_ = Regressor(base_, data.x, pseudo, rng);
}

CatePrediction DrLearner::Predict(const Eigen::MatrixXd& x) const {
  return {arms_.mu0.Predict(x), arms_.mu1.Predict(x), tau_.Predict(x)};
}

EXPERTLAB_REGISTER(CateLearner, DrLearner, "dr_learner",
                   "DR-learner: cross-fitted AIPW pseudo-outcomes regressed on x (ridge or MLP bases)",
                   {PropensityLearnerSpecs()});

}  // namespace expertlab::cate
