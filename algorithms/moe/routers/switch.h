// Switch router: top-1 softmax with multiplicative jitter on the router's
// input during training.
//
// Paper: W. Fedus, B. Zoph, N. Shazeer, "Switch Transformers: scaling to
// trillion parameter models with simple and efficient sparsity", JMLR 2022:
// p = softmax(x W_r) (Eq. 1), the single most probable expert i* per token
// with combine weight p_i* (Eq. 2), trained with the load-balance loss
// alpha N sum_i f_i P_i (Eq. 4-6, the layer's `balance` weight) and a
// capacity factor (the layer's); Sec. 2.4 multiplies the router's input by
// u ~ U(1 - eps, 1 + eps) in training for stability (the layer applies it,
// Router::InputJitter). The experts always see the unjittered x.
//
// Parameters
//   jitter  [0, 1)  0.01  eps of the input jitter (0 = none)
//
// Needs k = 1 (the layer's k): Switch routes one expert per token.
#pragma once

#include "algorithms/moe/router.h"
#include "algorithms/moe/topk_softmax.h"
#include "sim/params.h"

namespace expertlab::moe {

class SwitchRouter final : public Router {
 public:
  explicit SwitchRouter(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  double InputJitter() const override { return jitter_; }

 private:
  double jitter_;
  TopKSoftmax top1_{false};
};

}  // namespace expertlab::moe
