// GShard top-2 gating: the most probable expert always, the second one
// dispatched at random in proportion to its gate, the pair's probabilities
// renormalised to sum to one (a dropped second gate is not given back).
//
// Paper: D. Lepikhin, H. Lee, Y. Xu, D. Chen, O. Firat, Y. Huang,
// M. Krikun, N. Shazeer, Z. Chen, "GShard: Scaling giant models with
// conditional computation and automatic sharding", ICLR 2021, Algorithm 1
// (Top2Gating: g1 = p_i1 / (p_i1 + p_i2), g2 = p_i2 / (p_i1 + p_i2),
// random routing keeps the second expert iff u < 2 g2 with u ~ U(0, 1)).
// The mesh-tensorflow implementation writes the rule as u < g2 / theta with
// theta = 0.2 by default; theta = 0.5 is the paper's 2 g2. Capacity is the
// layer's (capacity_factor; the layer fills all first choices before any
// second, as GShard does).
//
// Parameters
//   policy   random | all   random   second expert sampled, or always kept
//   theta    (0, 1]         0.2      keep the second iff u < g2 / theta
//
// Two slots whatever the layer's k (run the layer with k = 2 so its
// capacity counts two choices per token); u comes from
// RouterContext::rng, one draw per token, so with policy=random a call
// without a stream is refused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class GshardTop2 final : public Router {
 public:
  explicit GshardTop2(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;

 private:
  bool sample_second_;
  double theta_;
  std::vector<int32_t> second_;  // [T] the second expert of the last Route, kept or not
  mutable std::vector<double> d_probs_;
};

}  // namespace expertlab::moe
