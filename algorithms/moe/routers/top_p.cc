#include "algorithms/moe/routers/top_p.h"

#include <algorithm>
#include <cmath>

#include "algorithms/moe/scalar_math.h"
#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

TopP::TopP(const Params& params)
    : p_(params.Double("p")),
      strict_(params.Bool("strict")),
      renormalize_(params.Bool("renormalize")),
      entropy_loss_(params.Double("entropy_loss")) {}

int64_t TopP::Slots(int64_t /*top_k*/, int64_t experts) const {
  EXPERTLAB_CHECK(experts >= 1) << "top_p: need at least one expert, got E = " << experts;
  return experts;
}

void TopP::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts, slots = Slots(context.top_k, E);
  out->Resize(T, E, slots);
  SoftmaxRows(logits, T, E, out->probs.data());
  for (int64_t t = 0; t < T; ++t) {
    const double* p = out->probs.data() + t * E;
    ExpertsByProbability(p, E, &order_);
    double mass = 0;
    int64_t taken = 0;
    while (taken < E) {
      mass += p[order_[taken]];
      ++taken;
      if (strict_ ? mass > p_ : mass >= p_) break;
    }
    FillSlots(t, order_.data(), taken, p, renormalize_ ? 1.0 / mass : 1.0, out);
  }
}

void TopP::Backward(const RouterContext& /*context*/, const double* /*logits*/,
                    const Routing& routing, const double* d_weight, const double* d_probs,
                    double* d_logits) const {
  SelectedSoftmaxBackward(routing, d_weight, d_probs, renormalize_, &d_probs_, d_logits);
}

double TopP::AuxiliaryLoss(const RouterContext& context, const double* logits,
                           const Routing& routing, double* d_logits) const {
  // L_d = beta mean_t H(p_t), with log p = z - logsumexp(z) (finite for any
  // logits). dL/dz_e = -(beta / T) p_e (log p_e + H).
  const int64_t T = context.tokens, E = context.experts;
  if (entropy_loss_ == 0 || T == 0) return 0;
  double total = 0;
  for (int64_t t = 0; t < T; ++t) {
    const double* z = logits + t * E;
    const double* p = routing.probs.data() + t * E;
    const double lse = LogSumExp(z, E).Value();
    double h = 0;
    for (int64_t e = 0; e < E; ++e) h -= p[e] * (z[e] - lse);
    total += h;
    if (!d_logits) continue;
    const double scale = -entropy_loss_ / static_cast<double>(T);
    for (int64_t e = 0; e < E; ++e) d_logits[t * E + e] += scale * p[e] * (z[e] - lse + h);
  }
  return entropy_loss_ * total / static_cast<double>(T);
}

EXPERTLAB_REGISTER(Router, TopP, "top_p",
                   "dynamic top-p: the most probable experts until their mass exceeds p, "
                   "with an entropy loss (Huang, An et al., ACL 2024)",
                   {ParamSpec::Double("p", 0.4, Bounds{0.0, 1.0, true, false},
                                      "threshold on the cumulative router probability"),
                    ParamSpec::Bool("strict", true, "stop once the mass is > p (false: >= p)"),
                    ParamSpec::Bool("renormalize", false,
                                    "renormalise the selected probabilities to sum to one"),
                    ParamSpec::Double("entropy_loss", 1e-4, Bounds::AtLeast(0),
                                      "beta, the weight of the mean router entropy loss")})

}  // namespace expertlab::moe
