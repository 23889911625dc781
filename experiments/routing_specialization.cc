// routing_specialization: how well the router's top-1 expert recovers the
// latent cluster (NMI, purity) as the clusters' separation grows, per
// router. Rows: experiments/routing_cell.h.
#include "experiments/routing_cell.h"

namespace expertlab::experiments {
namespace {

class RoutingSpecialization final : public RoutingStudy {};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(
    RoutingSpecialization, "routing_specialization",
    "NMI and purity of top-1 expert vs latent cluster against cluster separation")

}  // namespace expertlab::experiments
