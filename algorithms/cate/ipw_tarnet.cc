// IPW-TARNet ("propensity" in Hüyük et al., ICLR 2024, §5.2): TARNet whose
// factual loss is weighted by a/pi + (1-a)/(1-pi) (tarnet.h).
#include "algorithms/cate/tarnet.h"
#include "sim/registry.h"

namespace expertlab::cate {
namespace {

class IpwTarNet final : public TarNetLearner {
 public:
  explicit IpwTarNet(const Params& params) : TarNetLearner(params, TarNetVariant::kIpw) {}
};

std::vector<ParamSpec> IpwSpecs() {
  std::vector<ParamSpec> specs = TarNetSpecs(200);
  specs.push_back(ParamSpec::Double("clip", 0.01, Bounds{0, 0.5, false, true},
                                    "the propensity is clipped to [clip, 1 - clip]"));
  return specs;
}

EXPERTLAB_REGISTER(CateLearner, IpwTarNet, "ipw_tarnet",
                   "propensity: TARNet with inverse-propensity-weighted factual loss",
                   {IpwSpecs()});

}  // namespace
}  // namespace expertlab::cate
