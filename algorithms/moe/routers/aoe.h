// Autonomy-of-Experts (AoE): no router; the experts select themselves by
// the norm of their own factorised gate pre-activation.
//
// Paper: A. Lv, R. Xie, Y. Qian et al., "Autonomy-of-Experts models",
// ICML 2025 (arXiv 2501.13074). Expert i's gate projection is factorised,
// W_g^i = A_i B_i with A_i [d x r], B_i [r x f] (Eq. 3). Every expert
// computes its cache c_i = x A_i, all at once as one GEMM with [A_1 ...
// A_E] (Eq. 4; the layer's router block, MoeConfig::gate_rank = r), and
// scores s_i = ||c_i||_2. The k largest norms select the experts (ties to
// the lower index), whose weights are softmax(s) over the selected k only
// (Alg. 2, line 8); weights=code takes the released code's softmax over
// all E norms, not renormalised. The selected experts continue from their
// caches, pre_g = c_i B_i, so the score costs no extra expert work beyond
// the caches of the unselected experts. Router probabilities (the layer's
// balance loss, Eq. 6) are softmax(s) over all E.
//
// Sizing (LayerShape, Eq. 5): with match_params the expert width becomes
// d_wide = round((3 d d_ff - r d) / (r + 2 d)), so an AoE expert has the
// parameters of the keyed MoE's expert (the MoE's router, d E, is not
// matched); otherwise d_ff stays.
//
// Gradient: the selection is piecewise constant; through the weights
// dL/dc_i = dL/ds_i c_i / ||c_i|| (0 at c_i = 0), to which the layer adds
// the experts' own dG B_i^T.
//
// Parameters
//   rank          [1, d)   8        r, the cache width per expert (d_low)
//   weights       paper | code      softmax over the selected / over all
//   match_params  bool     true     size experts by Eq. 5
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/moe/router.h"
#include "algorithms/moe/topk_softmax.h"
#include "sim/params.h"

namespace expertlab::moe {

// Eq. 5: the hidden width at which a factorised-gate expert of rank r has
// the parameters of a SwiGLU expert of width d_ff (at least 1).
int64_t ParameterMatchedWidth(int64_t d_model, int64_t d_ff, int64_t rank);

class AoeRouter final : public Router {
 public:
  explicit AoeRouter(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  int64_t GateRank() const override { return rank_; }
  MoeConfig LayerShape(const MoeConfig& keyed) const override;

 private:
  // s[t, e] = ||c[t, e]|| into scores_.
  void ComputeScores(const RouterContext& context, const double* caches) const;

  int64_t rank_;
  bool match_params_;
  TopKSoftmax select_;
  mutable std::vector<double> scores_;    // [T x E]
  mutable std::vector<double> d_scores_;  // [T x E]
};

}  // namespace expertlab::moe
