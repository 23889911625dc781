// gmoe_temperature: the temperature gate's identifiability, shown. Starts
// moved along the scale direction to c (beta1, beta0, tau), log c ~ N(0,
// init_scale_sd^2), are fitted by EM for the temperature gate and, for contrast, a tanh activation gate.
// Under the temperature gate the gate depends on (beta1, beta0, tau) only
// through beta1/tau and beta0/tau (Euler's identity; Nguyen, Akbarian, Ho,
// "Is Temperature Sample Efficient for Softmax Gaussian Mixture of
// Experts?", ICML 2024, abstract: "interactions between the temperature and
// other model parameters via partial differential equations"), so the
// error of beta1/tau falls like n^-1/2 while beta1 and tau stay where the
// start put them; with tanh all three fall. Rows: experiments/gmoe_cell.h
// (err_beta1, err_tau, err_ratio).
#include "experiments/gmoe_cell.h"

namespace expertlab::experiments {
namespace {

class GmoeTemperature final : public GmoeStudy {
 public:
  GmoeTemperature() : GmoeStudy("temperature") {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(GmoeTemperature, "gmoe_temperature",
                              "temperature gate: beta1/tau recovered while beta1 and tau "
                              "wander with the start")

}  // namespace expertlab::experiments
