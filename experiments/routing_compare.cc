// routing_compare: every router on the same clustered regression tasks
// (the same data and initial weights per replicate), at the same k and
// expert sizes: validation MSE beside the Bayes risk, load balance,
// specialisation (NMI with the latent cluster) and active FLOPs per token,
// as a table of means with 95% CIs and paired differences against top-k
// softmax. Rows: experiments/routing_cell.h.
#include "experiments/routing_cell.h"

namespace expertlab::experiments {
namespace {

class RoutingCompare final : public RoutingStudy {};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RoutingCompare, "routing_compare",
                              "routers x tasks with known clusters at equal k: val MSE, load "
                              "balance, NMI with the clusters, active FLOPs, paired differences")

}  // namespace expertlab::experiments
