#include "algorithms/moe/routers/gshard_top2.h"

#include <algorithm>

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

GshardTop2::GshardTop2(const Params& params)
    : sample_second_(params.String("policy") == "random"), theta_(params.Double("theta")) {}

int64_t GshardTop2::Slots(int64_t /*top_k*/, int64_t experts) const {
  EXPERTLAB_CHECK(experts >= 2) << "gshard_top2: needs E >= 2 experts, got E = " << experts;
  return 2;
}

void GshardTop2::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts;
  Slots(context.top_k, E);
  EXPERTLAB_CHECK(!sample_second_ || context.rng != nullptr)
      << "gshard_top2(policy=random) draws from the caller's stream, and none was given (pass "
         "the cell's Rng to MoeLayer::Forward or MoeModel::Forward)";
  out->Resize(T, E, 2);
  SoftmaxRows(logits, T, E, out->probs.data());
  second_.resize(T);
  for (int64_t t = 0; t < T; ++t) {
    const double* p = out->probs.data() + t * E;
    int32_t first = 0;
    for (int32_t e = 1; e < E; ++e)
      if (p[e] > p[first]) first = e;
    int32_t second = first == 0 ? 1 : 0;
    for (int32_t e = 0; e < E; ++e)
      if (e != first && p[e] > p[second]) second = e;
    second_[t] = second;
    const double mass = p[first] + p[second];
    out->expert[t * 2] = first;
    out->weight[t * 2] = p[first] / mass;
    const double g2 = p[second] / mass;
    if (!sample_second_ || context.rng->Uniform() < g2 / theta_) {
      out->expert[t * 2 + 1] = second;
      out->weight[t * 2 + 1] = g2;
    }
  }
}

void GshardTop2::Backward(const RouterContext& /*context*/, const double* /*logits*/,
                          const Routing& routing, const double* d_weight, const double* d_probs,
                          double* d_logits) const {
  // Both weights divide by S = p1 + p2 whether or not the second slot was
  // kept: dL/dp_j = (dw_j - <dw, w>) / S over the pair, dw_2 = 0 if dropped.
  const int64_t T = routing.tokens, E = routing.experts;
  if (d_probs)
    d_probs_.assign(d_probs, d_probs + T * E);
  else
    d_probs_.assign(T * E, 0.0);
  for (int64_t t = 0; t < T; ++t) {
    const double* p = routing.probs.data() + t * E;
    const int32_t first = routing.Expert(t, 0), second = second_[t];
    const bool kept = routing.Expert(t, 1) >= 0;
    const double mass = p[first] + p[second];
    const double dw1 = d_weight[t * 2], dw2 = kept ? d_weight[t * 2 + 1] : 0.0;
    const double dot = dw1 * p[first] / mass + dw2 * p[second] / mass;
    d_probs_[t * E + first] += (dw1 - dot) / mass;
    d_probs_[t * E + second] += (dw2 - dot) / mass;
  }
  std::fill(d_logits, d_logits + T * E, 0.0);
  SoftmaxRowsBackward(routing.probs.data(), d_probs_.data(), T, E, d_logits);
}

EXPERTLAB_REGISTER(Router, GshardTop2, "gshard_top2",
                   "top-2 with the pair renormalised and the second expert dispatched at "
                   "random (Lepikhin et al., GShard, ICLR 2021)",
                   {ParamSpec::Choice("policy", "random", {"random", "all"},
                                      "second expert sampled (u < g2 / theta) or always kept"),
                    ParamSpec::Double("theta", 0.2, Bounds{0.0, 1.0, true, false},
                                      "keep the second expert iff u < g2 / theta")})

}  // namespace expertlab::moe
