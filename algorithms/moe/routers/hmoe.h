// HMoE routing: top-k or top-p over experts of different sizes, with the
// parameter penalty that steers tokens towards small experts.
//
// Paper: A. Wang, X. Sun, R. Xie et al., "HMoE: Heterogeneous mixture of
// experts for language modeling", EMNLP 2025. The experts differ only in
// hidden width (the layer's MoeConfig::expert_widths). Routing (App.
// Eq. 8-11): P = softmax(z); top-k takes the k most probable experts,
// top-p the smallest prefix of sorted P whose mass reaches p; the combine
// weights are P renormalised over the selection. The P-Penalty loss
// (Eq. 3-4):
//   L_PP = penalty E sum_i M_i Phat_i,  M_i = 1/T sum_t 1[i in E^t] c_i,
//   Phat_i = 1/T sum_t P_{t,i},
// with c_i = f_i / mean f the expert's relative width
// (RouterContext::expert_cost; the paper multiplies by the raw width,
// which would make the coefficient depend on the model's scale). The
// selection counts are held constant in the gradient, as for the Switch
// loss; with equal widths L_PP is k times the layer's balance loss. For
// top-p, the router-entropy loss of Eq. 5 is minimised (the printed sign
// would maximise it, against its stated purpose): the mean over tokens of
// -sum_i P_{t,i} log P_{t,i}, weighted by entropy_loss.
//
// Parameters
//   penalty       >= 0     0.1   weight of L_PP (the paper's)
//   p             [0, 1]   0     0 = top-k with the layer's k; else top-p
//   entropy_loss  >= 0     0.03  weight of the entropy loss (top-p only)
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class HmoeRouter final : public Router {
 public:
  explicit HmoeRouter(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  double AuxiliaryLoss(const RouterContext& context, const double* logits, const Routing& routing,
                       double* d_logits) const override;

 private:
  double penalty_;
  std::unique_ptr<Router> select_;       // renormalised top-k, or top-p with its entropy loss
  mutable std::vector<double> m_;        // [E] M_i
  mutable std::vector<double> d_probs_;  // [T x E] scratch
};

}  // namespace expertlab::moe
