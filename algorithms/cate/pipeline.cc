#include "algorithms/cate/pipeline.h"

#include <span>

#include "algorithms/cate/expertise.h"
#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::cate {

ExpertisePipeline::ExpertisePipeline(const Params& params)
    : predictive_spec_(params.String("predictive")),
      balancing_spec_(params.String("balancing")),
      threshold_(params.Double("threshold")) {}

void ExpertisePipeline::Fit(const ObservationalData& data, Rng& rng) {
  CheckObservational(data);
  auto& registry = Registry<CateLearner>::Instance();
  chosen_ = registry.Create(predictive_spec_);
  chosen_->Fit(data, rng);
  const CatePrediction fitted = chosen_->Predict(data.x);
  const std::span<const int> actions(data.a);
  const double e_pred = PlugInPredictive(fitted.tau, fitted.tau, actions);
  const double e_prog = PlugInPrognostic(fitted.mu0, fitted.mu1, fitted.mu0, fitted.mu1, actions);
  ratio_ = e_prog > 0 ? e_pred / e_prog : 0.0;
  chose_predictive_ = ratio_ > threshold_ ? 1.0 : 0.0;
  if (chose_predictive_ == 0) {
    chosen_ = registry.Create(balancing_spec_);
    chosen_->Fit(data, rng);
  }
}

CatePrediction ExpertisePipeline::Predict(const Eigen::MatrixXd& x) const {
  EXPERTLAB_CHECK(chosen_ != nullptr) << "pipeline: Predict before Fit";
  return chosen_->Predict(x);
}

EXPERTLAB_REGISTER(CateLearner, ExpertisePipeline, "pipeline",
                   "expertise-informed: action-predictive if plug-in E_pred/E_prog > 1/2, "
                   "else balancing",
                   {SpecParam<CateLearner>("predictive", "action_predictive",
                                           "learner kept under predictive expertise"),
                    SpecParam<CateLearner>("balancing", "cfrnet",
                                           "learner used under prognostic expertise"),
                    ParamSpec::Double("threshold", 0.5, Bounds::Positive(),
                                      "E_pred / E_prog above which `predictive` is kept")});

}  // namespace expertlab::cate
