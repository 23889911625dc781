#include "algorithms/moe/routers/thor.h"

#include <algorithm>

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

Thor::Thor(const Params& params)
    : alpha_(params.Double("alpha")), ensemble_(params.String("inference") == "ensemble") {}

int64_t Thor::Slots(int64_t /*top_k*/, int64_t experts) const {
  EXPERTLAB_CHECK(experts >= 1) << "thor: need at least one expert, got E = " << experts;
  return ensemble_ ? experts : 1;
}

void Thor::Route(const RouterContext& context, const double* /*logits*/, Routing* out) {
  const int64_t T = context.tokens, E = context.experts, slots = Slots(context.top_k, E);
  out->Resize(T, E, slots);
  const double uniform = 1.0 / static_cast<double>(E);
  std::fill(out->probs.begin(), out->probs.end(), uniform);
  if (ensemble_ && !context.training) {
    for (int64_t t = 0; t < T; ++t)
      for (int32_t e = 0; e < E; ++e) {
        out->expert[t * slots + e] = e;
        out->weight[t * slots + e] = uniform;
      }
    return;
  }
  EXPERTLAB_CHECK(context.rng != nullptr)
      << "thor draws each token's expert from the caller's stream, and none was given (pass the "
         "cell's Rng to MoeLayer::Forward or MoeModel::Forward)";
  for (int64_t t = 0; t < T; ++t) {
    out->expert[t * slots] = static_cast<int32_t>(context.rng->UniformInt(E));
    out->weight[t * slots] = 1.0;
  }
}

void Thor::Backward(const RouterContext& context, const double* /*logits*/,
                    const Routing& /*routing*/, const double* /*d_weight*/,
                    const double* /*d_probs*/, double* d_logits) const {
  // Neither the draw, its weight 1 nor the uniform probabilities depend on z.
  std::fill(d_logits, d_logits + context.tokens * context.experts, 0.0);
}

EXPERTLAB_REGISTER(Router, Thor, "thor",
                   "a uniformly random expert per token, with a consistency loss between two "
                   "passes (Zuo et al., THOR, ICLR 2022)",
                   {ParamSpec::Double("alpha", 1.0, Bounds::AtLeast(0),
                                      "weight of the two passes' symmetric KL (0 = one pass)"),
                    ParamSpec::Choice("inference", "random", {"random", "ensemble"},
                                      "a random expert per token, or every expert weighted 1/E")})

}  // namespace expertlab::moe
