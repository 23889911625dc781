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
// Key `sizes` sets the routed experts' widths from the relative spreads of
// the paper, scaled to sum to E d_ff (equal total parameters):
//   uniform     all d_ff (the homogeneous layer)
//   arithmetic  9, 11, ..., 23 for E = 8 (9 + 14 i / (E - 1) in general)
//   hybrid      1, 1, 1, 1, 2, 2, 4, 4 (halves and quarters of E)
// Widths are rounded, the last expert taking the remainder. `sizes` is
// not a data key: every arm of a replicate trains on the same task,
// batches and validation set. Rows: experiments/routing_cell.h, notably
// active_width and width_by_cluster.<c>.
#include <cmath>
#include <numeric>

#include "experiments/routing_cell.h"
#include "sim/check.h"

namespace expertlab::experiments {
namespace {

std::vector<double> RelativeSizes(const std::string& sizes, int64_t E) {
  std::vector<double> r(static_cast<size_t>(E), 1.0);
  if (sizes == "arithmetic" && E > 1)
    for (int64_t i = 0; i < E; ++i) r[i] = 9.0 + 14.0 * double(i) / double(E - 1);
  if (sizes == "hybrid") {
    EXPERTLAB_CHECK(E % 4 == 0) << "sizes: hybrid needs E divisible by 4, got E = " << E;
    for (int64_t i = 0; i < E; ++i) r[i] = i < E / 2 ? 1.0 : i < 3 * E / 4 ? 2.0 : 4.0;
  }
  return r;
}

class RoutingHetero final : public RoutingStudy {
 public:
  std::vector<ParamSpec> Parameters() const override {
    std::vector<ParamSpec> keys = RoutingStudy::Parameters();
    keys.push_back(ParamSpec::Choice("sizes", "uniform", {"uniform", "arithmetic", "hybrid"},
                                     "relative widths of the routed experts (total E d_ff)"));
    return keys;
  }

 protected:
  moe::MoeConfig LayerShape(const Params& p, const moe::MoeConfig& keyed) const override {
    moe::MoeConfig layer = keyed;
    const std::string sizes = p.String("sizes");
    if (sizes == "uniform") return layer;
    const int64_t E = keyed.experts, total = E * keyed.d_ff;
    const std::vector<double> r = RelativeSizes(sizes, E);
    const double sum = std::accumulate(r.begin(), r.end(), 0.0);
    int64_t used = 0;
    for (int64_t i = 0; i + 1 < E; ++i) {
      const int64_t f = std::max<int64_t>(1, std::llround(r[i] / sum * double(total)));
      layer.expert_widths.push_back(f);
      used += f;
    }
    EXPERTLAB_CHECK(total - used >= 1)
        << "sizes: E d_ff = " << total << " is too small for " << sizes << " widths";
    layer.expert_widths.push_back(total - used);
    return layer;
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RoutingHetero, "routing_hetero",
                              "HMoE: experts of different widths, the P-Penalty vs the balance "
                              "loss: quality, active parameters, expert size vs token difficulty")

}  // namespace expertlab::experiments
