// SMoE-Dropout: a randomly initialised router that is never trained, whose
// number of active experts k grows during training, and whose k at
// inference is a free compute/quality knob ("self-slimmable").
//
// Paper: T. Chen, Z. Zhang, A. Jaiswal, S. Liu, Z. Wang, "Sparse MoE as the
// New Dropout: Scaling Dense and Self-Slimmable Transformers", ICLR 2023,
// Sec. 3: a frozen random router, top-k of its logits with the softmax
// taken over the selected logits, no balance loss, and k(s) =
// round((k_max - k_min) s / S) + k_min (the released code's
// linear_increase schedule; its enwik8 script grows k from 8 to 16 of 16
// experts over the whole run).
//
// Parameters
//   k_start         >= 0   0      k at the first step (0 = E / 2, the
//                                 script's 8 of 16)
//   k_end           >= 0   0      k once the schedule ends (0 = E)
//   schedule_steps  >= 1   1000   training calls over which k grows
//   eval_k          >= 0   0      k at inference (0 = k_end)
//
// The step s counts this router's training calls (one per training forward
// of its layer), so a layer's routing is a function of its call sequence.
// LearnsRouterWeights() is false: the layer reports a zero gradient for
// W_r, which therefore keeps its random initial values. One slot per
// expert (Slots = E); the layer's k is not used.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/params.h"

namespace expertlab::moe {

class SmoeDropout final : public Router {
 public:
  explicit SmoeDropout(const Params& params);

  // k of the next call: training calls follow the schedule, inference uses
  // eval_k.
  int64_t CurrentK(int64_t experts, bool training) const;
  int64_t Slots(int64_t top_k, int64_t experts) const override;
  void Route(const RouterContext& context, const double* logits, Routing* out) override;
  void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                const double* d_weight, const double* d_probs, double* d_logits) const override;
  void SaveState(ByteWriter& out) const override;
  void RestoreState(ByteReader& in) override;
  bool LearnsRouterWeights() const override { return false; }

 private:
  int64_t k_start_, k_end_, schedule_steps_, eval_k_;
  int64_t training_calls_ = 0;
  std::vector<int32_t> order_;
  mutable std::vector<double> d_probs_;
};

}  // namespace expertlab::moe
