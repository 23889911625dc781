// routing_top_p: dynamic top-p routing on clusters of rising difficulty
// (cluster c's target adds a share c / (K - 1) of the Fourier features):
// experts per token against the cluster's difficulty, and validation MSE
// against the mean number of experts, beside top-1 and top-2 and an arm
// without the entropy loss. Rows: experiments/routing_cell.h.
#include "experiments/routing_cell.h"

namespace expertlab::experiments {
namespace {

class RoutingTopP final : public RoutingStudy {};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(
    RoutingTopP, "routing_top_p",
    "top-p: experts per token vs cluster difficulty, MSE vs mean experts, against top-1/top-2")

}  // namespace expertlab::experiments
