// Top-k softmax router: p = softmax(z) over all E experts, the k most
// probable experts are selected, and their probabilities (optionally
// renormalised to sum to one over the selection) are the combine weights.
//
// Papers: N. Shazeer et al., "Outrageously large neural networks: the
// sparsely-gated mixture-of-experts layer", ICLR 2017 (top-k gating, Eq. 3-5,
// here without the noise term); W. Fedus, B. Zoph, N. Shazeer, "Switch
// Transformers", JMLR 2022 (k = 1, un-normalised weight, Eq. 1-2);
// D. Lepikhin et al., "GShard", ICLR 2021 (k = 2, renormalised, Alg. 1).
// With renormalize=true this equals softmax over the k selected logits
// (Mixtral's "top-k then softmax").
//
// Parameters
//   renormalize  bool  false  divide the selected probabilities by their sum
//
// Ties are broken by the lower expert index, so routing is a pure function
// of the logits. Slots are filled in decreasing probability.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class TopKSoftmax final : public Router {
 public:
  explicit TopKSoftmax(const Params& params);
  explicit TopKSoftmax(bool renormalize) : renormalize_(renormalize) {}

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;

 private:
  bool renormalize_;
  // Scratch reused across calls (no allocation once sizes are reached).
  std::vector<int32_t> best_;            // [k] selection of one token
  mutable std::vector<double> d_probs_;  // [T x E] dL/dp
};

}  // namespace expertlab::moe
