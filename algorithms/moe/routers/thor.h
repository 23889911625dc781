// THOR: no gate at all; in training every token goes to one expert drawn
// uniformly at random, and a consistency regulariser ties together two
// forward passes of the same batch with independent draws, so that every
// expert learns to give the same prediction ("stochastic experts").
//
// Paper: S. Zuo, X. Liu, J. Jiao, Y. J. Kim, H. Hassan, R. Zhang, T. Zhao,
// J. Gao, "Taming Sparsely Activated Transformer with Stochastic Experts",
// ICLR 2022: training loss CE(p1) + CE(p2) + alpha * 1/2 [KL(p1 || p2) +
// KL(p2 || p1)] over two passes with independent expert draws (the models
// run it when ConsistencyWeight() = alpha > 0: train/consistency.h);
// inference with a random expert per input, or with every expert averaged.
// alpha = 1 is the release's default (its IWSLT'14 script uses 5). The
// release draws one expert per layer for a whole batch; this router draws
// per token (per example on the one-token models), which keeps the two
// passes of a stacked consistency batch independent.
//
// Parameters
//   alpha       >= 0              1        consistency weight (0 = none)
//   inference   random | ensemble random   a random expert per token, or all
//                                          E experts with weight 1 / E
//
// One slot (E slots for the ensemble) whatever the layer's k; the combine
// weight of the drawn expert is 1. The router probabilities are the uniform
// 1 / E the draw follows, so no gradient reaches the logits: W_r is not
// learned (LearnsRouterWeights() is false). A random expert is drawn from
// RouterContext::rng, one draw per token, so a call without a stream is
// refused. No routing can follow data clusters: the expert a token sees is
// independent of the token by design.
#pragma once

#include <cstdint>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class Thor final : public Router {
 public:
  explicit Thor(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  bool LearnsRouterWeights() const override { return false; }
  double ConsistencyWeight() const override { return alpha_; }

 private:
  double alpha_;
  bool ensemble_;
};

}  // namespace expertlab::moe
