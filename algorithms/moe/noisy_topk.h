// Noisy top-k gating: Gaussian noise is added to the router logits, the k
// largest noisy logits are kept, and the combine weights are the softmax
// over them.
//
// Paper: N. Shazeer, A. Mirhoseini, K. Maziarz, A. Davis, Q. Le, G. Hinton,
// J. Dean, "Outrageously large neural networks: the sparsely-gated
// mixture-of-experts layer", ICLR 2017, Eq. 3-5: G(x) = Softmax(KeepTopK(H(x),
// k)), H(x)_i = (x W_g)_i + StandardNormal() Softplus((x W_noise)_i). Here the
// noise scale is one parameter sigma instead of the learned
// Softplus(x W_noise) (the layer has one router matrix), so
// H = z + sigma eps with eps ~ N(0, I). The router probabilities (for the
// auxiliary losses) are softmax(H) over all experts.
//
// Parameters
//   noise  double >= 0  1.0  sigma, the standard deviation of the noise
//
// The noise comes from RouterContext::rng, drawn token by token and expert
// by expert, so routing is a function of (logits, stream): the layer and the
// model hand down the cell's stream, and with sigma > 0 a call without one
// is refused. With sigma = 0 this is topk_softmax(renormalize=true). Ties
// of the noisy logits go to the lower expert index.
#pragma once

#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class NoisyTopK final : public Router {
 public:
  explicit NoisyTopK(const Params& params) : noise_(params.Double("noise")) {}

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;

 private:
  double noise_;
  std::vector<double> noisy_;  // H = z + sigma eps of the last Route
};

}  // namespace expertlab::moe
