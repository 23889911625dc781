// routing_granularity: DeepSeekMoE's fine-grained expert segmentation and
// shared-expert isolation (Dai et al., ACL 2024, Sec. 3.1-3.2) at equal
// total parameters and equal active FLOPs. The keyed layer (E experts of
// width d_ff, top-k) is split by `granularity` m into m E experts of width
// d_ff / m with m k active, `shared` of which are always on
// (algorithms/moe/routers/deepseek_moe.h, FineGrained), so every arm
// computes (m k) (d_ff / m) = k d_ff hidden units per token. The paper's
// claims: finer experts (larger m) lower the loss at the same cost, and
// isolating shared experts lowers it further, most on tasks with a part
// common to every input (structure = common_specific: y = f_0(x) + f_c(x)).
// Each replicate's arms train on the same task, batches and validation set
// (the data keys exclude granularity and shared); the initial weights
// differ with the shapes. Rows: experiments/routing_cell.h, and
//   val_mse_disabled.<n>   the validation MSE with each token's n/8 most
//                          probable routed experts (the nearest whole
//                          number of them) disabled (n = 1, 2;
//                          the paper's redundancy probe: the less
//                          redundant the experts, the more it costs)
#include <cmath>

#include "algorithms/moe/routers/deepseek_moe.h"
#include "experiments/routing_cell.h"
#include "sim/check.h"

namespace expertlab::experiments {
namespace {

class RoutingGranularity final : public RoutingStudy {
 public:
  std::vector<ParamSpec> Parameters() const override {
    std::vector<ParamSpec> keys = RoutingStudy::Parameters();
    keys.push_back(ParamSpec::Int("granularity", 1, Bounds::Closed(1, 1024),
                                  "m: each expert split into m of width d_ff / m, m k active"));
    keys.push_back(ParamSpec::Int("shared", 0, Bounds::Closed(0, 1023),
                                  "of the m E fine experts, how many are always on (< m k)"));
    return keys;
  }

 protected:
  moe::MoeConfig LayerShape(const Params& p, const moe::MoeConfig& router_shaped) const override {
    EXPERTLAB_CHECK(router_shaped.experts == p.Int("E") && router_shaped.d_ff == p.Int("d_ff"))
        << "granularity: the router already reshapes the experts; set its granularity and "
           "shared to their defaults and use this study's keys";
    return moe::FineGrained(router_shaped, p.Int("granularity"), p.Int("shared"));
  }

  // Redundancy (Dai et al., Sec. 4.5, Fig. 4): the validation MSE with each
  // token's most probable n/8 of the routed experts (rounded) disabled, n = 1, 2
  // (deepseek_moe's disable_top), where k of the rest remain.
  void RecordTrained(const Params& p, moe::MoeModel<float>& trained, const moe::RoutingSample& val,
                     CellContext& context) const override {
    const moe::MoeConfig& layer = trained.config().moe;
    for (int64_t eighths : {1, 2}) {
      const int64_t disabled = std::llround(double(eighths * layer.experts) / 8.0);
      if (disabled < 1 || disabled + layer.top_k > layer.experts) continue;
      const std::string probe =
          SpecWithArg(trained.config().router, "disable_top", std::to_string(disabled));
      context.Record("val_mse_disabled." + std::to_string(eighths), p.Int("steps"),
                     ValidationMseWith(trained, probe, val));
    }
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RoutingGranularity, "routing_granularity",
                              "DeepSeekMoE: quality vs expert granularity m at equal active "
                              "FLOPs, with and without shared experts")

}  // namespace expertlab::experiments
