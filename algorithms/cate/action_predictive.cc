// Action-predictive learner (Hüyük et al., ICLR 2024, §5.2): TARNet with a
// logistic propensity head on the shared representation trained with
// weight lambda (DragonNet-style, Shi, Blei & Veitch, NeurIPS 2019), so the
// representation keeps what predicts the decision maker's actions
// (tarnet.h).
#include "algorithms/cate/tarnet.h"
#include "sim/registry.h"

namespace expertlab::cate {
namespace {

class ActionPredictive final : public TarNetLearner {
 public:
  explicit ActionPredictive(const Params& params)
      : TarNetLearner(params, TarNetVariant::kActionPredictive) {}
};

std::vector<ParamSpec> ActionPredictiveSpecs() {
  std::vector<ParamSpec> specs = TarNetSpecs(200);
  specs.push_back(ParamSpec::Double("lambda", 1.0, Bounds::AtLeast(0),
                                    "weight of the propensity head's cross-entropy"));
  return specs;
}

EXPERTLAB_REGISTER(CateLearner, ActionPredictive, "action_predictive",
                   "action-predictive: TARNet + a propensity head on the representation",
                   {ActionPredictiveSpecs()});

}  // namespace
}  // namespace expertlab::cate
