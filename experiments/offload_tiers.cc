// offload_tiers: decode tokens/s of every cache policy against the
// transfer tier (PCIe 4.0, PCIe 3.0, NVMe, phone flash) at a fixed cache
// size, beside the closed forms: 1 / (L c) with every expert resident, and
// 1 / (L c + loads per token x miss cost) for a demand-fetched cache
// (theory/offload_cost.h). Slower tiers make each miss cost more layers of
// compute, so the gap between policies and what prefetch can hide grow
// (EdgeMoE, IEEE TMC 2025, §IV-B: 2.63-3.01x over load-on-demand on SSD,
// 4.49-4.76x on HDD).
//
// Data keys: the trace keys (offload_cell.h). Rows: offload_cell.h.
#include "experiments/offload_cell.h"

namespace expertlab::experiments {
namespace {

class OffloadTiers final : public OffloadStudy {
 public:
  OffloadTiers() : OffloadStudy({}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(OffloadTiers, "offload_tiers",
                              "decode tokens/s vs transfer tier (PCIe, NVMe, flash) per offload "
                              "policy, beside the demand-fetch and all-resident closed forms")

}  // namespace expertlab::experiments
