// MoTE: inference-time interventions on chosen experts of a top-k router
// (switch off, force on), the tool of "tunable experts".
//
// Paper: R. Dahlke, H. Klagges, D. Zecha, B. Merkel, S. Rohr, F. Klemm,
// "Mixture of tunable experts: behavior modification of DeepSeek-R1 at
// inference time", arXiv 2502.11096, 2025. Routing without interventions is
// top-k over p = softmax(z) with the weights renormalised over the
// selection (the router the model trained with). Interventions, set per
// layer with SetIntervention (no training; experiments/mote_intervention):
//   switched off, mode drop    the expert's slot is emptied and the other
//                              selected experts' weights renormalised (no
//                              replacement is pulled in)
//   switched off, mode refill  its logit is -inf before top-k, so the next
//                              most probable expert takes its place
//   forced on                  put into every token's selection in place of
//                              the least probable selected expert (unless
//                              already selected), weights renormalised
// Backward: the renormalised selected probabilities' gradient (constant
// selection), as for top-k softmax.
//
// Parameters
//   mode  drop | refill  drop  how a switched-off expert leaves a selection
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class MoteRouter final : public Router {
 public:
  explicit MoteRouter(const Params& params);

  // Experts (0..E-1 of this layer) switched off and forced on; an expert
  // outside [0, experts) or in both lists is an Error. Empty lists: none.
  void SetIntervention(const std::vector<int32_t>& off, const std::vector<int32_t>& on,
                       int64_t experts);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;

 private:
  bool refill_;
  std::vector<int8_t> off_, on_;  // [E] flags, empty = no intervention
  std::vector<double> masked_;    // [E] one token's probabilities for selection
  std::vector<int32_t> order_;    // [E]
  std::vector<int32_t> chosen_;   // [k] one token's selection
  mutable std::vector<double> scratch_;
};

}  // namespace expertlab::moe
