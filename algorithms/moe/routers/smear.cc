#include "algorithms/moe/routers/smear.h"

#include <algorithm>

#include "sim/registry.h"

namespace expertlab::moe {

SmearRouter::SmearRouter(const Params& params) : group_(params.Int("group")) {}

int64_t SmearRouter::Slots(int64_t /*top_k*/, int64_t experts) const { return experts; }

void SmearRouter::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts;
  out->Resize(T, E, E);
  mean_.resize(E);
  for (int64_t t0 = 0; t0 < T; t0 += group_) {
    const int64_t t1 = std::min(T, t0 + group_);
    std::fill(mean_.begin(), mean_.end(), 0.0);
    for (int64_t t = t0; t < t1; ++t)
      for (int64_t e = 0; e < E; ++e) mean_[e] += logits[t * E + e] / double(t1 - t0);
    double* p = out->probs.data() + t0 * E;
    SoftmaxRows(mean_.data(), 1, E, p);
    ExpertsByProbability(p, E, &order_);
    for (int64_t t = t0; t < t1; ++t) {
      if (t > t0) std::copy_n(p, E, out->probs.data() + t * E);
      FillSlots(t, order_.data(), E, p, 1.0, out);
    }
  }
}

void SmearRouter::Backward(const RouterContext& context, const double* /*logits*/,
                           const Routing& routing, const double* d_weight, const double* d_probs,
                           double* d_logits) const {
  const int64_t T = context.tokens, E = context.experts, slots = routing.slots;
  dp_.resize(E);
  dmean_.resize(E);
  for (int64_t t0 = 0; t0 < T; t0 += group_) {
    const int64_t t1 = std::min(T, t0 + group_);
    std::fill(dp_.begin(), dp_.end(), 0.0);
    for (int64_t t = t0; t < t1; ++t) {
      for (int64_t s = 0; s < slots; ++s)
        if (routing.Expert(t, s) >= 0) dp_[routing.Expert(t, s)] += d_weight[t * slots + s];
      if (d_probs)
        for (int64_t e = 0; e < E; ++e) dp_[e] += d_probs[t * E + e];
    }
    // The group's softmax backward, spread evenly over its tokens' logits.
    std::fill(dmean_.begin(), dmean_.end(), 0.0);
    SoftmaxRowsBackward(routing.probs.data() + t0 * E, dp_.data(), 1, E, dmean_.data());
    for (int64_t t = t0; t < t1; ++t)
      for (int64_t e = 0; e < E; ++e) d_logits[t * E + e] = dmean_[e] / double(t1 - t0);
  }
}

EXPERTLAB_REGISTER(Router, SmearRouter, "smear",
                   "SMEAR (Muqeeth, Liu & Raffel, TMLR 2024): per example, the experts' "
                   "parameters averaged with the router's softmax run as one merged expert",
                   {ParamSpec::Int("group", 1, Bounds::Closed(1, 1 << 24),
                                   "tokens per example (1 = per token)")})

}  // namespace expertlab::moe
