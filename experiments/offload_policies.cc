// offload_policies: hit ratio, loads and stall per token of every cache
// policy against the cache size (a fraction of the experts), beside
// Belady's offline optimum on the very same trace (common random numbers):
// how far each online policy is from the bound, and what prefetching buys
// in stall. The offloading papers' comparison (EdgeMoE, IEEE TMC 2025,
// §IV-B Fig. 14; ExpertFlow, arXiv 2410.17954 v2, §4.4.1 Fig. 10: PLEC vs
// LRU hit ratios) on a synthetic sticky, topical, Zipf trace.
//
// Data keys: the trace keys (offload_cell.h). Rows: offload_cell.h.
#include "experiments/offload_cell.h"

namespace expertlab::experiments {
namespace {

class OffloadPolicies final : public OffloadStudy {
 public:
  OffloadPolicies() : OffloadStudy({}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(OffloadPolicies, "offload_policies",
                              "hit ratio and stall per token vs cache size for every offload "
                              "policy, beside Belady's optimum on the same trace")

}  // namespace expertlab::experiments
