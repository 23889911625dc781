// SMEAR: soft merging of experts with adaptive routing.
//
// Paper: M. Muqeeth, H. Liu, C. Raffel, "Soft merging of experts with
// adaptive routing", TMLR 2024. Routing is per example: a group of
// `group` consecutive tokens (1 = every token its own example; the
// sequence length for per-sequence routing; the last group of a call may
// be shorter). The router averages the group's tokens before the router
// matrix, p = softmax(mean_t(x_t) W_r) = softmax(mean_t z_t) (the paper
// normalises the mean with a LayerNorm; our blocks feed the layer
// RMS-normalised tokens already), and every token of the group gets every
// expert in its slots with weight p_e (slots in decreasing p). The layer
// then merges the experts' parameters with p and runs the one merged
// expert (Router::MergeGroup, layer_merged.cc): the cost of one expert
// plus the merge, not of E. No auxiliary loss (the paper's
// load_loss_weight is 0); the layer's balance loss still applies when its
// weight is set.
//
// Gradient: dL/dp_g = sum over the group's tokens of the slot and
// probability gradients, through the softmax, spread evenly over the
// group's logits (the mean).
//
// Parameters
//   group  >= 1  1  tokens per example
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class SmearRouter final : public Router {
 public:
  explicit SmearRouter(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  int64_t MergeGroup() const override { return group_; }

 private:
  int64_t group_;
  std::vector<double> mean_;                // [E] one group's mean logits
  std::vector<int32_t> order_;              // [E]
  mutable std::vector<double> dp_, dmean_;  // [E] dL/dp and dL/d mean logits
};

}  // namespace expertlab::moe
