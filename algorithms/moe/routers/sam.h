// SAM: switch-and-mixture routing. A switch step picks one group of
// experts (one device), a mixture step weights the top experts inside it,
// so a token reaches several experts over one device's link.
//
// Paper: H. Jiang, K. Zhan, J. Qu et al., "Towards more effective and
// economic sparsely-activated model", arXiv 2110.07431, 2021 (the abstract
// states the hierarchy; the rule below is the one of its open
// re-implementation in the Hetu system, with one consistent group
// definition). The E experts form G contiguous groups of E / G
// (g = e / (E / G)); with p = softmax(z) over all experts:
//   switch:   g* = argmax_g pi_g,  pi_g = sum_{i in g} p_i  (ties: lower g)
//   mixture:  the k most probable experts i in g*, weights p_i (raw, not
//             renormalised).
// The balance loss summed over the k choice masks,
// sum_m E sum_i f_i^(m) P_i, is k times the layer's balance loss (layer.h),
// so the layer's `balance` weight serves it. This router adds the alignment
// loss, averaged over the T tokens so its weight does not scale with the
// batch:
//   L_align = align / T sum_t sum_{j not in g*_t} max(0, p_{t,j} - p_{t,(k)}),
// p_{t,(k)} the k-th selected probability: it pushes every expert outside
// the chosen group below the group's k-th, so the global top-k moves inside
// one group. Hetu's kernel holds p_{t,(k)} constant in the gradient; here
// the gradient is the exact one of L_align (it also lifts the k-th), so
// the layer's reported objective and its gradient agree.
// The switch and the selection are piecewise constant in z.
//
// Parameters
//   groups  int >= 1  4     G; must divide E, and k <= E / G
//   align   >= 0      0.01  weight of the alignment loss
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class SamRouter final : public Router {
 public:
  explicit SamRouter(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  double AuxiliaryLoss(const RouterContext& context, const double* logits, const Routing& routing,
                       double* d_logits) const override;

 private:
  int64_t groups_;
  double align_;
  std::vector<int32_t> order_;           // [E / G] one group's experts by probability
  mutable std::vector<double> d_probs_;  // [T x E] scratch
};

}  // namespace expertlab::moe
