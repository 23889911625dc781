// routing_smoe_dropout: validation MSE of the trained weights against the
// number of experts used at inference (k = 1..E), for SMoE-Dropout (frozen
// random router, k growing in training) and a learned top-k router.
// Rows: experiments/routing_cell.h (eval_ks = true).
#include "experiments/routing_cell.h"

namespace expertlab::experiments {
namespace {

class RoutingSmoeDropout final : public RoutingStudy {};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RoutingSmoeDropout, "routing_smoe_dropout",
                              "quality vs inference-time k: SMoE-Dropout vs a learned top-k router")

}  // namespace expertlab::experiments
