// The expertise-informed pipeline (Hüyük, Wei, Curth & van der Schaar,
// "Defining Expertise: Applications to Treatment Effect Estimation", ICLR
// 2024, §5.3): fit the action-predictive learner, estimate the decision
// maker's predictive and prognostic expertise by plug-in (expertise.h) from
// its outcome predictions, and keep it when E_pred / E_prog > threshold
// (1/2); otherwise use the balancing learner (CFRNet).
//
// Decision where the paper's code differs: the expertise estimate uses the
// training split and the fitted values themselves for the bins (the
// authors' code uses the test split and ground-truth bins, which a learner
// cannot have).
//
// Parameters
//   predictive  spec        action_predictive  learner used under predictive expertise
//   balancing   spec        cfrnet             learner used otherwise
//   threshold   double > 0  0.5                E_pred / E_prog above which `predictive` is kept
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "algorithms/cate/learner.h"
#include "sim/params.h"

namespace expertlab::cate {

class ExpertisePipeline final : public CateLearner {
 public:
  explicit ExpertisePipeline(const Params& params);
  void Fit(const ObservationalData& data, Rng& rng) override;
  CatePrediction Predict(const Eigen::MatrixXd& x) const override;
  // 1 if the last Fit kept the predictive learner, 0 if it switched.
  std::optional<double> Choice() const override { return chose_predictive_; }
  // The plug-in ratio E_pred / E_prog of the last Fit.
  double ratio() const { return ratio_; }

 private:
  std::string predictive_spec_, balancing_spec_;
  double threshold_;
  std::unique_ptr<CateLearner> chosen_;
  double chose_predictive_ = 0, ratio_ = 0;
};

}  // namespace expertlab::cate
