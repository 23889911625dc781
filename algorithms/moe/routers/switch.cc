#include "algorithms/moe/routers/switch.h"

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

SwitchRouter::SwitchRouter(const Params& params) : jitter_(params.Double("jitter")) {}

int64_t SwitchRouter::Slots(int64_t top_k, int64_t experts) const {
  EXPERTLAB_CHECK(top_k == 1) << "switch: routes one expert per token, so the layer's k must be "
                                 "1, got k = "
                              << top_k;
  return top1_.Slots(1, experts);
}

void SwitchRouter::Route(const RouterContext& context, const double* logits, Routing* out) {
  Slots(context.top_k, context.experts);
  top1_.Route(context, logits, out);
}

void SwitchRouter::Backward(const RouterContext& context, const double* logits,
                            const Routing& routing, const double* d_weight, const double* d_probs,
                            double* d_logits) const {
  top1_.Backward(context, logits, routing, d_weight, d_probs, d_logits);
}

EXPERTLAB_REGISTER(Router, SwitchRouter, "switch",
                   "top-1 softmax with multiplicative jitter on the router input in training "
                   "(Fedus, Zoph, Shazeer, Switch Transformers, JMLR 2022); needs k = 1",
                   {ParamSpec::Double("jitter", 0.01, Bounds{0.0, 1.0, false, true},
                                      "eps of the input jitter u ~ U(1 - eps, 1 + eps)")})

}  // namespace expertlab::moe
