#include "algorithms/moe/routers/deepseek_moe.h"

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

MoeConfig FineGrained(const MoeConfig& base, int64_t m, int64_t shared) {
  EXPERTLAB_CHECK(base.shared_experts == 0)
      << "fine-grained experts: the base layer must have no shared experts, got "
      << base.shared_experts;
  EXPERTLAB_CHECK(m >= 1 && base.d_ff % m == 0)
      << "granularity: expected a divisor of d_ff = " << base.d_ff << ", got " << m;
  EXPERTLAB_CHECK(shared >= 0 && shared < m * base.top_k)
      << "shared experts: expected 0 <= shared < m k = " << m * base.top_k
      << " (at least one routed expert active), got " << shared;
  MoeConfig fine = base;
  fine.d_ff = base.d_ff / m;
  fine.experts = m * base.experts - shared;
  fine.top_k = m * base.top_k - shared;
  fine.shared_experts = shared;
  return fine;
}

DeepSeekMoeRouter::DeepSeekMoeRouter(const Params& params)
    : devices_(params.Int("devices")),
      device_balance_(params.Double("device_balance")),
      granularity_(params.Int("granularity")),
      shared_(params.Int("shared")),
      disable_top_(params.Int("disable_top")) {}

MoeConfig DeepSeekMoeRouter::LayerShape(const MoeConfig& keyed) const {
  if (granularity_ == 1 && shared_ == 0) return keyed;
  return FineGrained(keyed, granularity_, shared_);
}

int64_t DeepSeekMoeRouter::Slots(int64_t top_k, int64_t experts) const {
  EXPERTLAB_CHECK(experts % devices_ == 0) << "deepseek_moe: devices = " << devices_
                                           << " must divide the routed experts E = " << experts;
  return top_k_.Slots(top_k, experts);
}

void DeepSeekMoeRouter::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t k = Slots(context.top_k, context.experts);
  if (disable_top_ == 0) {
    top_k_.Route(context, logits, out);
    return;
  }
  EXPERTLAB_CHECK(k + disable_top_ <= context.experts)
      << "deepseek_moe: disable_top = " << disable_top_ << " leaves fewer than k = " << k
      << " of E = " << context.experts << " routed experts";
  // The k + j most probable, then the first j of them dropped.
  RouterContext wider = context;
  wider.top_k = k + disable_top_;
  top_k_.Route(wider, logits, &with_disabled_);
  out->Resize(context.tokens, context.experts, k);
  out->probs = with_disabled_.probs;
  for (int64_t t = 0; t < context.tokens; ++t)
    for (int64_t s = 0; s < k; ++s) {
      out->expert[t * k + s] = with_disabled_.Expert(t, disable_top_ + s);
      out->weight[t * k + s] = with_disabled_.Weight(t, disable_top_ + s);
    }
}

void DeepSeekMoeRouter::Backward(const RouterContext& context, const double* logits,
                                 const Routing& routing, const double* d_weight,
                                 const double* d_probs, double* d_logits) const {
  top_k_.Backward(context, logits, routing, d_weight, d_probs, d_logits);
}

double DeepSeekMoeRouter::AuxiliaryLoss(const RouterContext& context, const double* /*logits*/,
                                        const Routing& routing, double* d_logits) const {
  const int64_t T = context.tokens, E = context.experts, K = routing.slots;
  if (device_balance_ == 0 || T == 0) return 0;
  const int64_t per_device = E / devices_;
  // f'_d = mean over the group of f_j = E / (K T) x selections of j, and
  // sum_d f'_d P'_d = sum_e f'_{d(e)} Phat_e.
  device_share_.assign(static_cast<size_t>(devices_), 0.0);
  for (int64_t i = 0; i < T * K; ++i)
    if (routing.expert[i] >= 0) device_share_[routing.expert[i] / per_device] += 1.0;
  const double scale = double(E) / (double(K) * double(T) * double(per_device));
  for (double& share : device_share_) share *= scale;
  weight_.resize(static_cast<size_t>(E));
  for (int64_t e = 0; e < E; ++e) weight_[e] = device_balance_ * device_share_[e / per_device];
  return MeanProbabilityLoss(routing, weight_, d_logits, &d_probs_);
}

EXPERTLAB_REGISTER(Router, DeepSeekMoeRouter, "deepseek_moe",
                   "top-k softmax over the routed experts, weights not renormalised, with the "
                   "device-level balance loss over D expert groups (Dai et al., DeepSeekMoE, "
                   "ACL 2024); granularity and shared prescribe the fine-grained layer",
                   {ParamSpec::Int("devices", 1, Bounds::Closed(1, 1 << 20),
                                   "D, the equal groups of routed experts (simulated devices)"),
                    ParamSpec::Double("device_balance", 0.05, Bounds::AtLeast(0),
                                      "alpha_2, the weight of the device-level balance loss"),
                    ParamSpec::Int("granularity", 1, Bounds::Closed(1, 1024),
                                   "m: the layer's experts split into m of 1/m the width, m k "
                                   "active (the layer this router prescribes)"),
                    ParamSpec::Int("shared", 0, Bounds::Closed(0, 1023),
                                   "of the fine experts, how many are always on"),
                    ParamSpec::Int("disable_top", 0, Bounds::Closed(0, 1 << 20),
                                   "inference probe: each token's j most probable routed experts "
                                   "disabled, the top-k taken from the rest")})

}  // namespace expertlab::moe
