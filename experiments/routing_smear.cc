// routing_smear: SMEAR (Muqeeth, Liu & Raffel, TMLR 2024): per-example
// merging of the experts' parameters (algorithms/moe/routers/smear.h,
// the layer's merged experts) against per-token sparse routing and the
// dense softmax mixture of every expert, on examples of `example_tokens`
// consecutive tokens drawn from one task (skill compositions by default:
// tasks that share latent skills, the paper's multi-task setting). The
// paper's claims: SMEAR beats sparse routers at about one expert's cost
// (the merge, 3 E d f multiply-adds, is paid once per example), and
// approaches the ensemble of all experts. A per-token SMEAR arm
// (smear(group=1)) on the same data shows what routing per example costs
// and saves. Each replicate's arms train on the same examples and
// validation set. Rows: experiments/routing_cell.h (active_flops_per_token
// counts the merge per group).
#include "experiments/routing_cell.h"

namespace expertlab::experiments {
namespace {

class RoutingSmear final : public RoutingStudy {
 public:
  std::vector<ParamSpec> Parameters() const override {
    std::vector<ParamSpec> keys = RoutingStudy::Parameters();
    keys.push_back(ParamSpec::Int("example_tokens", 16, Bounds::Closed(1, 1 << 20),
                                  "consecutive tokens of one example (one task draw)"));
    return keys;
  }
  std::vector<std::string> DataKeys() const override {
    std::vector<std::string> keys = RoutingStudy::DataKeys();
    keys.push_back("example_tokens");
    return keys;
  }

 protected:
  moe::RoutingTaskSpec TaskSpec(const Params& p) const override {
    moe::RoutingTaskSpec spec = RoutingStudy::TaskSpec(p);
    spec.example_tokens = p.Int("example_tokens");
    return spec;
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RoutingSmear, "routing_smear",
                              "SMEAR: per-example merged experts against sparse top-1 routing "
                              "and the dense mixture of all experts, quality vs FLOPs")

}  // namespace expertlab::experiments
