#include "algorithms/moe/routers/ranked_expert.h"

#include <algorithm>

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

RankedExpertRouter::RankedExpertRouter(const Params& params) : rank_(params.Int("rank")) {}

int64_t RankedExpertRouter::Slots(int64_t /*top_k*/, int64_t experts) const {
  EXPERTLAB_CHECK(rank_ <= experts)
      << "rank: ranked_expert needs rank <= E = " << experts << ", got " << rank_;
  return 1;
}

void RankedExpertRouter::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts;
  Slots(context.top_k, E);
  out->Resize(T, E, 1);
  SoftmaxRows(logits, T, E, out->probs.data());
  for (int64_t t = 0; t < T; ++t) {
    ExpertsByProbability(out->probs.data() + t * E, E, &order_);
    out->expert[t] = order_[rank_ - 1];
    out->weight[t] = 1.0;
  }
}

void RankedExpertRouter::Backward(const RouterContext& context, const double* /*logits*/,
                                  const Routing& routing, const double* /*d_weight*/,
                                  const double* d_probs, double* d_logits) const {
  const int64_t T = context.tokens, E = context.experts;
  std::fill(d_logits, d_logits + T * E, 0.0);
  if (d_probs) SoftmaxRowsBackward(routing.probs.data(), d_probs, T, E, d_logits);
}

EXPERTLAB_REGISTER(Router, RankedExpertRouter, "ranked_expert",
                   "only the rank-th most probable expert, weight 1 (SCMoE's weak activation, "
                   "Shi et al., NeurIPS 2024)",
                   {ParamSpec::Int("rank", 2, Bounds::Closed(1, 1 << 20),
                                   "which expert by decreasing probability (1 = top-1)")})

}  // namespace expertlab::moe
