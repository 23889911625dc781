#include "algorithms/cate/s_learner.h"

#include "sim/registry.h"

namespace expertlab::cate {
namespace {

// Rows (x, a, a x) with a the same for every row.
Eigen::MatrixXd SLearnerFeatures(const Eigen::MatrixXd& x, const Eigen::VectorXd& a) {
  Eigen::MatrixXd f(x.rows(), 2 * x.cols() + 1);
  f << x, a, a.asDiagonal() * x;
  return f;
}

}  // namespace

void SLearner::Fit(const ObservationalData& data, Rng& rng) {
  CheckObservational(data);
  model_ = Regressor(base_, SLearnerFeatures(data.x, data.Actions()), data.y, rng);
}

CatePrediction SLearner::Predict(const Eigen::MatrixXd& x) const {
  CatePrediction p;
  p.mu0 = model_.Predict(SLearnerFeatures(x, Eigen::VectorXd::Zero(x.rows())));
  p.mu1 = model_.Predict(SLearnerFeatures(x, Eigen::VectorXd::Ones(x.rows())));
  p.tau = p.mu1 - p.mu0;
  return p;
}

EXPERTLAB_REGISTER(CateLearner, SLearner, "s_learner",
                   "S-learner: one ridge or MLP regression on (x, a, a x)",
                   {BaseModelSpecs()});

}  // namespace expertlab::cate
