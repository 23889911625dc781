// Dynamic top-p routing: each token takes the most probable experts until
// their cumulative router probability exceeds a threshold p, so a token
// with a flat router distribution (a "harder" input) gets more experts;
// an entropy loss keeps the router from flattening p to buy experts.
//
// Paper: Q. Huang, Z. An et al., "Harder Tasks Need More Experts: Dynamic
// Routing in MoE Models", ACL 2024 (long), pp. 12883-12895: routing rule
// t* = min{k : sum_{j <= k} p_(j) > p} with the raw (not renormalised)
// probabilities as combine weights, and the dynamic loss
// L_d = mean_t (-sum_e p_te log p_te) added with weight beta = 1e-4 (the
// total objective is L + alpha L_balance + beta L_d, alpha = 1e-2 being
// the layer's balance weight). The paper's text was not available to us:
// the rule follows the authors' released inference code (strict ">"), and
// the "at least p, renormalised" variant other papers restate is a pair of
// parameters.
//
// Parameters
//   p             (0, 1]  0.4    the threshold (the paper's main model)
//   strict        bool    true   stop once the mass is > p (false: >= p)
//   renormalize   bool    false  combine weights p_e / (selected mass)
//   entropy_loss  >= 0    1e-4   beta, the weight of L_d
//
// One slot per expert (Slots = E): a token fills 1..E of them, in
// decreasing probability (ties to the lower index). The layer's k is not
// used; run it dropless (capacity_factor = 0), as the paper does.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class TopP final : public Router {
 public:
  explicit TopP(const Params& params);

  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  double AuxiliaryLoss(const RouterContext& context, const double* logits, const Routing& routing,
                       double* d_logits) const override;

 private:
  double p_;
  bool strict_;
  bool renormalize_;
  double entropy_loss_;
  std::vector<int32_t> order_;
  mutable std::vector<double> d_probs_;
};

}  // namespace expertlab::moe
