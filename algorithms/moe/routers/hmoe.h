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
// loss; with equal widths L_PP is the layer's balance loss times its slots
// per token (k for top-k, E for top-p). For
// top-p, the router-entropy loss of Eq. 5 is minimised (the printed sign
// would maximise it, against its stated purpose): the mean over tokens of
// -sum_i P_{t,i} log P_{t,i}, weighted by entropy_loss.
//
// Widths (HeterogeneousWidths, the `sizes` parameter): the paper's
// relative spreads scaled to sum to E d_ff (equal total parameters):
//   uniform     all d_ff (a homogeneous layer)
//   arithmetic  9, 11, ..., 23 for E = 8 (9 + 14 i / (E - 1) in general)
//   hybrid      1, 1, 1, 1, 2, 2, 4, 4 (halves and quarters of E)
// rounded, the last expert taking the remainder.
//
// Parameters
//   penalty       >= 0     0.1      weight of L_PP (the paper's)
//   p             [0, 1]   0        0 = top-k with the layer's k; else top-p
//   entropy_loss  >= 0     0.03     weight of the entropy loss (top-p only)
//   sizes         uniform  uniform  the layer this router prescribes
//                 | arithmetic | hybrid
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

// `keyed` with its routed experts' widths set by a `sizes` spread (above);
// throws expertlab::Error for an unknown spread, a hybrid spread when 4
// does not divide E, or a total too small for one unit per expert.
MoeConfig HeterogeneousWidths(const MoeConfig& keyed, const std::string& sizes);

class HmoeRouter final : public Router {
 public:
  explicit HmoeRouter(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  double AuxiliaryLoss(const RouterContext& context, const double* logits, const Routing& routing,
                       double* d_logits) const override;
  MoeConfig LayerShape(const MoeConfig& keyed) const override;

 private:
  double penalty_;
  std::string sizes_;
  std::unique_ptr<Router> select_;       // renormalised top-k, or top-p with its entropy loss
  mutable std::vector<double> m_;        // [E] penalty E M_i
  mutable std::vector<double> d_probs_;  // [T x E] scratch
};

}  // namespace expertlab::moe
