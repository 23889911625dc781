// gmoe_rates: Voronoi loss of the MLE against the sample size n for the
// softmax, temperature and activation (sigmoid, tanh) gates, exact-specified
// (k = 2, loss D1) and over-specified (k = 3, loss D2), beside the rates of
// theory/gmoe_rates.h: n^-1/2 where the parameters are identifiable, 1/log n
// claimed for the temperature gate (Nguyen, Akbarian, Ho, "Is Temperature
// Sample Efficient for Softmax Gaussian Mixture of Experts?", ICML 2024).
// Protocol after Nguyen, Nguyen, Ho, "Demystifying Softmax Gating Function
// in Gaussian Mixture of Experts" (NeurIPS 2023): k* = 2, d = 1, near-truth
// starts, EM. Rows: experiments/gmoe_cell.h.
#include "experiments/gmoe_cell.h"

namespace expertlab::experiments {
namespace {

class GmoeRates final : public GmoeStudy {
 public:
  GmoeRates() : GmoeStudy("softmax") {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(GmoeRates, "gmoe_rates",
                              "Voronoi loss vs n of softmax Gaussian MoE MLE: softmax, "
                              "temperature and activation gates, exact and over-specified")

}  // namespace expertlab::experiments
