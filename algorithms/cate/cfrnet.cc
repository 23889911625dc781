// CFRNet ("balancing" in Hüyük et al., ICLR 2024, §5.2): TARNet plus alpha
// times the linear-MMD distance between the arms' mean representations
// (Shalit, Johansson & Sontag, ICML 2017, Eq. 4; tarnet.h).
#include "algorithms/cate/tarnet.h"
#include "sim/registry.h"

namespace expertlab::cate {
namespace {

class CfrNet final : public TarNetLearner {
 public:
  explicit CfrNet(const Params& params) : TarNetLearner(params, TarNetVariant::kBalancing) {}
};

std::vector<ParamSpec> CfrSpecs() {
  std::vector<ParamSpec> specs = TarNetSpecs(100);
  specs.push_back(ParamSpec::Double("alpha", 1.0, Bounds::AtLeast(0),
                                    "weight of the linear-MMD balancing penalty"));
  return specs;
}

EXPERTLAB_REGISTER(CateLearner, CfrNet, "cfrnet",
                   "balancing: TARNet + linear-MMD penalty between the arms' representations",
                   {CfrSpecs()});

}  // namespace
}  // namespace expertlab::cate
