#include "algorithms/moe/noisy_topk.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::moe {

int64_t NoisyTopK::Slots(int64_t top_k, int64_t experts) const {
  EXPERTLAB_CHECK(top_k >= 1 && top_k <= experts)
      << "noisy_topk: k must be in [1, E] = [1, " << experts << "], got k = " << top_k;
  return top_k;
}

void NoisyTopK::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts, k = Slots(context.top_k, E);
  EXPERTLAB_CHECK(noise_ == 0 || context.rng != nullptr)
      << "noisy_topk(noise=" << noise_
      << ") draws its noise from the caller's stream, and none was given (pass the cell's "
         "Rng to MoeLayer::Forward or MoeModel::Forward)";
  out->Resize(T, E, k);
  noisy_.assign(logits, logits + T * E);
  if (noise_ > 0)
    for (double& h : noisy_) h += noise_ * Normal(*context.rng);
  SoftmaxRows(noisy_.data(), T, E, out->probs.data());
  std::vector<int32_t> order(E);
  for (int64_t t = 0; t < T; ++t) {
    const double* h = noisy_.data() + t * E;
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int32_t a, int32_t b) {
      return h[a] > h[b] || (h[a] == h[b] && a < b);
    });
    // Softmax over the kept logits (Eq. 3), shifted by the largest.
    double sum = 0;
    for (int64_t s = 0; s < k; ++s) sum += std::exp(h[order[s]] - h[order[0]]);
    for (int64_t s = 0; s < k; ++s) {
      out->expert[t * k + s] = order[s];
      out->weight[t * k + s] = std::exp(h[order[s]] - h[order[0]]) / sum;
    }
  }
}

void NoisyTopK::Backward(const RouterContext& context, const double* /*logits*/,
                         const Routing& routing, const double* d_weight, const double* d_probs,
                         double* d_logits) const {
  // dH/dz = I: the gradient of H is the gradient of the logits. Weights are
  // a softmax over the kept H: dL/dH_s = w_s (dw_s - <dw, w>).
  const int64_t T = context.tokens, E = context.experts, k = routing.slots;
  std::fill(d_logits, d_logits + T * E, 0.0);
  for (int64_t t = 0; t < T; ++t) {
    const double* w = routing.weight.data() + t * k;
    const double* dw = d_weight + t * k;
    double dot = 0;
    for (int64_t s = 0; s < k; ++s) dot += dw[s] * w[s];
    for (int64_t s = 0; s < k; ++s) d_logits[t * E + routing.Expert(t, s)] += w[s] * (dw[s] - dot);
  }
  if (d_probs) SoftmaxRowsBackward(routing.probs.data(), d_probs, T, E, d_logits);
}

EXPERTLAB_REGISTER(Router, NoisyTopK, "noisy_topk",
                   "Gaussian noise on the logits, keep the k largest, softmax over them "
                   "(Shazeer et al. 2017, noisy top-k gating)",
                   {ParamSpec::Double("noise", 1.0, Bounds::AtLeast(0),
                                      "sigma, the standard deviation of the logit noise")})

}  // namespace expertlab::moe
