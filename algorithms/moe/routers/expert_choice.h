// Expert Choice routing: each expert takes the C tokens of the group with
// the highest router probability for it, so every expert is exactly full
// and a token receives between 0 and E experts.
//
// Paper: Y. Zhou, T. Lei, H. Liu, N. Du, Y. Huang, V. Zhao, A. Dai, Z. Chen,
// Q. Le, J. Laudon, "Mixture-of-Experts with Expert Choice Routing",
// NeurIPS 2022, Sec. 3.2, Eq. 1-2: S = Softmax(X W_g) over experts,
// G, I = TopK(S^T, k) per expert with k = n c / e tokens, and
// y_t = sum over the experts that chose t of G E_i(x_t), the weights not
// renormalised. No auxiliary loss: balance holds by construction.
//
// Parameters
//   capacity_factor  > 0   2.0   c, the average experts per token (EC-CF2)
//
// Capacity C = clamp(round(c T / E), 1, T) tokens per expert (round half
// up; the paper writes n c / e for divisible sizes). Ties between tokens go
// to the lower token index. One slot per expert (Slots = E); a token's
// filled slots are its chosen experts in decreasing weight (ties to the
// lower index). Selection looks at every token of the group, future ones
// included: in a causal model this leaks, as the paper notes.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class ExpertChoice final : public Router {
 public:
  explicit ExpertChoice(const Params& params);

  // Tokens each expert takes out of `tokens`.
  int64_t Capacity(int64_t tokens, int64_t experts) const;
  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  bool SetsExpertCapacity() const override { return true; }

 private:
  double capacity_factor_;
  std::vector<int32_t> order_;
  std::vector<int32_t> chosen_;  // [T x E] 1 if expert e chose token t
  mutable std::vector<double> d_probs_;
};

}  // namespace expertlab::moe
