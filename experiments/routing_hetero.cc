// routing_hetero: HMoE's heterogeneous experts (Wang et al., EMNLP 2025):
// experts of different hidden widths at the total width of a homogeneous
// layer, routed with the standard balance loss or with HMoE's P-Penalty
// (algorithms/moe/routers/hmoe.h), on clusters of rising difficulty
// (max_features > 0: cluster c's map adds a number of random Fourier
// features rising with c). The paper's claims: without a penalty the
// large experts take most tokens; the P-Penalty moves tokens, and the easy
// ones first, to small experts, so the active parameters fall while the
// quality matches or beats a homogeneous layer of equal total parameters.
//
// Key `sizes` sets the routed experts' widths from the paper's relative
// spreads at E d_ff in all (HeterogeneousWidths, hmoe.h), for every
// router, so the balance-loss baseline runs on the same experts. `sizes` is
// not a data key: every arm of a replicate trains on the same task,
// batches and validation set. Rows: experiments/routing_cell.h, notably
// active_width and width_by_cluster.<c>.
#include "algorithms/moe/routers/hmoe.h"
#include "experiments/routing_cell.h"
#include "sim/check.h"

namespace expertlab::experiments {
namespace {

class RoutingHetero final : public RoutingStudy {
 public:
  std::vector<ParamSpec> Parameters() const override {
    std::vector<ParamSpec> keys = RoutingStudy::Parameters();
    keys.push_back(ParamSpec::Choice("sizes", "uniform", {"uniform", "arithmetic", "hybrid"},
                                     "relative widths of the routed experts (total E d_ff)"));
    return keys;
  }

 protected:
  moe::MoeConfig LayerShape(const Params& p, const moe::MoeConfig& router_shaped) const override {
    const std::string sizes = p.String("sizes");
    EXPERTLAB_CHECK(sizes == "uniform" || router_shaped.expert_widths.empty())
        << "sizes: the router already sets the experts' widths; leave sizes = uniform";
    return moe::HeterogeneousWidths(router_shaped, sizes);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RoutingHetero, "routing_hetero",
                              "HMoE: experts of different widths, the P-Penalty vs the balance "
                              "loss: quality, active parameters, expert size vs token difficulty")

}  // namespace expertlab::experiments
