#include "algorithms/moe/routers/gw_moe.h"

#include <algorithm>
#include <cmath>

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

GwMoe::GwMoe(const Params& params)
    : gamma_(params.Double("gamma")),
      max_broadcast_(params.Int("max_broadcast")),
      eval_broadcast_(params.Bool("eval_broadcast")) {}

double GwMoe::UncertaintyEntropy(const double* probs, int64_t experts) {
  double h = 0;
  for (int64_t e = 0; e < experts; ++e) h -= probs[e] * std::log(probs[e] + 1e-5);
  return h;
}

int64_t GwMoe::Slots(int64_t top_k, int64_t experts) const {
  EXPERTLAB_CHECK(top_k >= 1 && top_k <= experts)
      << "gw_moe: k must be in [1, E] = [1, " << experts << "], got k = " << top_k;
  return experts;
}

void GwMoe::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts, k = context.top_k;
  const int64_t slots = Slots(k, E);
  out->Resize(T, E, slots);
  SoftmaxRows(logits, T, E, out->probs.data());
  const bool broadcasting = context.training || eval_broadcast_;
  int64_t broadcast = 0;
  for (int64_t t = 0; t < T; ++t) {
    const double* p = out->probs.data() + t * E;
    ExpertsByProbability(p, E, &order_);
    int64_t taken = k;
    if (broadcasting && UncertaintyEntropy(p, E) >= gamma_ &&
        (max_broadcast_ == 0 || broadcast < max_broadcast_)) {
      taken = E;
      ++broadcast;
    }
    FillSlots(t, order_.data(), taken, p, 1.0, out);
  }
}

void GwMoe::Backward(const RouterContext& /*context*/, const double* /*logits*/,
                     const Routing& routing, const double* d_weight, const double* d_probs,
                     double* d_logits) const {
  SelectedSoftmaxBackward(routing, d_weight, d_probs, false, &d_probs_, d_logits);
}

EXPERTLAB_REGISTER(Router, GwMoe, "gw_moe",
                   "top-k, and in training tokens of router entropy >= gamma broadcast to "
                   "every expert (Wu et al., GW-MoE, 2024)",
                   {ParamSpec::Double("gamma", 1.6, Bounds::AtLeast(0),
                                      "entropy threshold of an uncertain token"),
                    ParamSpec::Int("max_broadcast", 0, Bounds::AtLeast(0),
                                   "uncertain tokens broadcast per routing group (0 = all)"),
                    ParamSpec::Bool("eval_broadcast", false, "broadcast at inference too")})

}  // namespace expertlab::moe
