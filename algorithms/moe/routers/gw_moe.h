// GW-MoE ("global workspace"): during training, tokens whose router
// distribution is uncertain (entropy at least gamma) are broadcast to every
// expert, weighted by their router probabilities, so that any expert learns
// to serve them; all other tokens, and every token at inference, take the
// usual top-k with raw probabilities as weights (Switch style).
//
// Paper: H. Wu, Z. Qiu, Z. Wang, H. Zhao, J. Fu, "GW-MoE: Resolving
// Uncertainty in MoE Router with Global Workspace Theory", arXiv
// 2406.12375, 2024. Only the abstract was available to us; the rule follows
// the authors' released code: H_t = -sum_e p_te log(p_te + 1e-5), uncertain
// iff H_t >= gamma, at most `max_broadcast` uncertain tokens per routing
// group in token order (0 = no cap), inference unchanged. The broadcast
// term y_t = sum_e p_te E_e(x_t) is our reading of "broadcast across
// experts" (the release scales the input instead of applying the experts,
// which this router does not reproduce).
//
// Parameters
//   gamma           >= 0   1.6   entropy threshold (the paper's GLUE value
//                                for 8 experts; ln 8 = 2.08 is the maximum)
//   max_broadcast   >= 0   0     uncertain tokens broadcast per group
//   eval_broadcast  bool   false broadcast at inference too
//
// One slot per expert (Slots = E): top-k tokens fill k, broadcast tokens
// all E, in decreasing probability (ties to the lower index).
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class GwMoe final : public Router {
 public:
  explicit GwMoe(const Params& params);

  // The entropy the threshold is compared with (the released code's form).
  static double UncertaintyEntropy(const double* probs, int64_t experts);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;

 private:
  double gamma_;
  int64_t max_broadcast_;
  bool eval_broadcast_;
  std::vector<int32_t> order_;
  mutable std::vector<double> d_probs_;
};

}  // namespace expertlab::moe
