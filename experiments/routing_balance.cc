// routing_balance: load entropy H(f)/log E and dead experts over training,
// per router, with and without the load-balance loss, on skewed clusters
// (where an unbalanced router can collapse onto the frequent clusters'
// experts). Rows: experiments/routing_cell.h.
#include "experiments/routing_cell.h"

namespace expertlab::experiments {
namespace {

class RoutingBalance final : public RoutingStudy {};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(
    RoutingBalance, "routing_balance",
    "load entropy and dead experts over training per router, with and without the balance loss")

}  // namespace expertlab::experiments
