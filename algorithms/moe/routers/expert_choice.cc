#include "algorithms/moe/routers/expert_choice.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

ExpertChoice::ExpertChoice(const Params& params)
    : capacity_factor_(params.Double("capacity_factor")) {}

int64_t ExpertChoice::Capacity(int64_t tokens, int64_t experts) const {
  const double c = std::floor(capacity_factor_ * double(tokens) / double(experts) + 0.5);
  return std::clamp<int64_t>(static_cast<int64_t>(c), 1, std::max<int64_t>(tokens, 1));
}

int64_t ExpertChoice::Slots(int64_t /*top_k*/, int64_t experts) const {
  EXPERTLAB_CHECK(experts >= 1) << "expert_choice: need at least one expert, got E = " << experts;
  return experts;
}

void ExpertChoice::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts, slots = Slots(context.top_k, E);
  out->Resize(T, E, slots);
  if (T == 0) return;
  SoftmaxRows(logits, T, E, out->probs.data());
  const double* probs = out->probs.data();
  const int64_t C = Capacity(T, E);
  chosen_.assign(T * E, 0);
  order_.resize(T);
  for (int64_t e = 0; e < E; ++e) {
    std::iota(order_.begin(), order_.end(), 0);
    std::partial_sort(order_.begin(), order_.begin() + C, order_.end(), [&](int32_t a, int32_t b) {
      const double pa = probs[a * E + e], pb = probs[b * E + e];
      return pa > pb || (pa == pb && a < b);
    });
    for (int64_t i = 0; i < C; ++i) chosen_[order_[i] * E + e] = 1;
  }
  for (int64_t t = 0; t < T; ++t) {
    const double* p = probs + t * E;
    int32_t* ids = out->expert.data() + t * slots;
    int64_t filled = 0;
    for (int32_t e = 0; e < E; ++e)
      if (chosen_[t * E + e]) ids[filled++] = e;
    std::stable_sort(ids, ids + filled, [&](int32_t a, int32_t b) { return p[a] > p[b]; });
    for (int64_t s = 0; s < filled; ++s) out->weight[t * slots + s] = p[ids[s]];
  }
}

void ExpertChoice::Backward(const RouterContext& /*context*/, const double* /*logits*/,
                            const Routing& routing, const double* d_weight, const double* d_probs,
                            double* d_logits) const {
  SelectedSoftmaxBackward(routing, d_weight, d_probs, false, &d_probs_, d_logits);
}

EXPERTLAB_REGISTER(Router, ExpertChoice, "expert_choice",
                   "each expert takes its top-C tokens by router probability, C = c T / E "
                   "(Zhou et al., NeurIPS 2022)",
                   {ParamSpec::Double("capacity_factor", 2.0, Bounds::Positive(),
                                      "c, the average number of experts per token")})

}  // namespace expertlab::moe
