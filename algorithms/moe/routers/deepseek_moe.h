// DeepSeekMoE: fine-grained experts, always-on shared experts, and
// expert- and device-level balance losses.
//
// Paper: D. Dai, C. Deng, C. Zhao et al., "DeepSeekMoE: Towards ultimate
// expert specialization in mixture-of-experts language models", ACL 2024,
// Sec. 3. Each of N experts of hidden width f is split into m experts of
// width f / m (mN experts, mK active, the same parameters and FLOPs), and
// K_s of them are isolated as shared experts every token uses with weight 1
// (Eq. 9):
//   h_t = sum_{i <= K_s} FFN_i(u_t) + sum_{i > K_s} g_{i,t} FFN_i(u_t),
//   g_{i,t} = s_{i,t} if s_{i,t} is among the mK - K_s largest, else 0,
//   s_{i,t} = softmax_i(u_t^T e_i) over the routed experts (weights not
//   renormalised).
// FineGrained() maps a layer (N, f, K) to that shape; the layer's shared
// experts (layer.h) are the K_s, and this router routes the rest.
// Balance (Sec. 3.3): the expert-level loss alpha_1 sum_i f_i P_i with
// f_i = N' / (K' T) sum_t 1(t selects i), P_i = mean_t s_{i,t}, is the
// layer's balance loss (its `balance` weight is alpha_1: 0.01 for the
// paper's 2B model). The device-level loss is this router's own: the
// routed experts in D equal groups E_1..E_D (devices, simulated),
//   L_DevBal = alpha_2 sum_d f'_d P'_d,  f'_d = mean_{j in E_d} f_j,
//   P'_d = sum_{j in E_d} P_j,
// with the selection counts held constant in the gradient, as for f_i.
//
// Parameters
//   devices         int >= 1   1     D; must divide the routed experts
//   device_balance  >= 0       0.05  alpha_2 (the paper's 145B model)
//   granularity     int >= 1   1     m: the layer this router prescribes
//   shared          int >= 0   0     K_s  (LayerShape: FineGrained(keyed,
//                                          m, K_s))
//   disable_top     int >= 0   0     inference probe of redundancy (Sec.
//                                    4.5): each token's j most probable
//                                    routed experts are disabled and the
//                                    top-k taken from the rest, weights
//                                    the original s_{i,t}
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/moe/router.h"
#include "algorithms/moe/topk_softmax.h"
#include "sim/params.h"

namespace expertlab::moe {

// The fine-grained layer of `base` (N = base.experts of width f = d_ff,
// K = base.top_k; base has no shared experts): m N experts of width f / m,
// `shared` of them always on, the other m N - shared routed with top
// m K - shared. Throws expertlab::Error when base has shared experts, when
// m does not divide f, or when shared leaves no routed expert active.
MoeConfig FineGrained(const MoeConfig& base, int64_t m, int64_t shared);

class DeepSeekMoeRouter final : public Router {
 public:
  explicit DeepSeekMoeRouter(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  double AuxiliaryLoss(const RouterContext& context, const double* logits, const Routing& routing,
                       double* d_logits) const override;
  MoeConfig LayerShape(const MoeConfig& keyed) const override;

 private:
  int64_t devices_;
  double device_balance_;
  int64_t granularity_, shared_, disable_top_;
  Routing with_disabled_;  // [T x (k + j)] scratch of the probe
  TopKSoftmax top_k_{false};
  // Scratch of the device loss: selections per device, alpha_2 f'_{d(e)}
  // per expert, dL/dp [T x E].
  mutable std::vector<double> device_share_, weight_, d_probs_;
};

}  // namespace expertlab::moe
