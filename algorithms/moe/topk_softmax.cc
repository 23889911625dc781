#include "algorithms/moe/topk_softmax.h"

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

TopKSoftmax::TopKSoftmax(const Params& params) : renormalize_(params.Bool("renormalize")) {}

int64_t TopKSoftmax::Slots(int64_t top_k, int64_t experts) const {
  EXPERTLAB_CHECK(experts >= 1) << "topk_softmax: need at least one expert, got E = " << experts;
  EXPERTLAB_CHECK(top_k >= 1 && top_k <= experts)
      << "topk_softmax: k must be in [1, E] = [1, " << experts << "], got k = " << top_k;
  return top_k;
}

void TopKSoftmax::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts;
  const int64_t k = Slots(context.top_k, E);
  out->Resize(T, E, k);
  SoftmaxRows(logits, T, E, out->probs.data());
  best_.resize(k);
  int32_t* best = best_.data();
  for (int64_t t = 0; t < T; ++t) {
    const double* p = out->probs.data() + t * E;
    // Insertion into a descending list of k: O(E k), fastest for small k,
    // and stable (a later expert never displaces an equal earlier one).
    int64_t filled = 0;
    for (int32_t e = 0; e < E; ++e) {
      int64_t pos = filled;
      while (pos > 0 && p[best[pos - 1]] < p[e]) --pos;
      if (pos >= k) continue;
      const int64_t last = filled < k ? filled : k - 1;
      for (int64_t i = last; i > pos; --i) best[i] = best[i - 1];
      best[pos] = e;
      if (filled < k) ++filled;
    }
    double sum = 0;
    for (int64_t s = 0; s < k; ++s) sum += p[best[s]];
    const double scale = renormalize_ ? 1.0 / sum : 1.0;
    for (int64_t s = 0; s < k; ++s) {
      out->expert[t * k + s] = best[s];
      out->weight[t * k + s] = p[best[s]] * scale;
    }
  }
}

void TopKSoftmax::Backward(const RouterContext& /*context*/, const double* /*logits*/,
                           const Routing& routing, const double* d_weight, const double* d_probs,
                           double* d_logits) const {
  SelectedSoftmaxBackward(routing, d_weight, d_probs, renormalize_, &d_probs_, d_logits);
}

EXPERTLAB_REGISTER(Router, TopKSoftmax, "topk_softmax",
                   "softmax over experts, keep the k most probable "
                   "(Shazeer 2017; Switch k=1; GShard k=2)",
                   {ParamSpec::Bool("renormalize", false,
                                    "renormalise the k selected "
                                    "probabilities to sum to one")})

}  // namespace expertlab::moe
