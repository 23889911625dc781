// gmoe_activation: which activations before the softmax give polynomial
// rates. The Voronoi loss of the MLE against n for the activation gate with
// sigma in {identity, relu, sigmoid, tanh, gelu}, tau estimated, on the
// grid of gmoe_rates. Nguyen, Akbarian, Ho, "Is Temperature Sample
// Efficient for Softmax Gaussian Mixture of Experts?" (ICML 2024): under
// linear independence conditions on sigma and its derivatives the rates
// are polynomial; sigma(c w) = c sigma(w) (identity, ReLU) restores the
// temperature's scale invariance and fails them (theory/gmoe_rates.h).
// Rows: experiments/gmoe_cell.h.
#include "experiments/gmoe_cell.h"

namespace expertlab::experiments {
namespace {

class GmoeActivation final : public GmoeStudy {
 public:
  GmoeActivation() : GmoeStudy("sigmoid") {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(GmoeActivation, "gmoe_activation",
                              "Voronoi loss vs n of the activation gate for identity, ReLU, "
                              "sigmoid, tanh and GELU")

}  // namespace expertlab::experiments
