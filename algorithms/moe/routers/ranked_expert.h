// Rank-r expert: each token runs only its r-th most probable expert, with
// weight 1 — the "weak activation" of self-contrast decoding.
//
// Paper: C. Shi, C. Yang, X. Zhu et al., "Unchosen experts can contribute
// too: unleashing MoE models' power by self-contrast", NeurIPS 2024
// (SCMoE): the strong activation is the model's top-2, the weak one the
// rank-k expert alone; algorithms/moe/self_contrast.h contrasts their
// logits. p = softmax(z) is reported for the auxiliary losses; the
// selection and its weight are constant in z, so only d_probs reaches the
// logits (an inference-time router).
//
// Parameters
//   rank  [1, E]  2  which expert by decreasing probability (1 = top-1)
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class RankedExpertRouter final : public Router {
 public:
  explicit RankedExpertRouter(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;

 private:
  int64_t rank_;
  std::vector<int32_t> order_;  // [E] one token's experts by probability
};

}  // namespace expertlab::moe
