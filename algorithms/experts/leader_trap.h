// Leader trap: a non-stationary oblivious sequence that separates
// leader-selection pools from "keep iff it beats the algorithm" pools.
//
// Our construction [R] (PZ23, Peng & Zhang SODA 2023, motivate their pool
// selection by the failure of leader selection; this sequence is not
// theirs). Days form windows of W days (W = the learners' epoch). Expert i*
// (uniform) has i.i.d. Bernoulli(1/2 - delta) losses. Every other expert is
// a decoy with a random phase o_i in {0, 1, 2}: in windows w with
// (w + o_i) mod 3 = 0 it is "hot" (loss 0 every day), in the two windows
// after that "burnt" (loss 1 every day). A decoy averages 2/3, so i* is the
// best expert; but at the end of every window about a third of all experts
// have a perfect window record. A pool that keeps its window's top-k
// therefore swaps i* for decoys that are about to lose every day for two
// windows (regret ~ (1/2 + delta) T), while a pool that admits newcomers on
// probation and keeps incumbents the algorithm did not beat pays only
// ~sqrt(W) per window for the decoys it tries. (With a 2-window cycle a
// pool full of same-phase decoys would be as good as i* on average; the
// 3-window cycle makes every decoy strictly worse.)
//
// Parameters
//   window  int >= 1       W, days per window
//   delta   (0, 1/2)       i*'s advantage
#pragma once

#include <cstdint>

#include "algorithms/experts/instance.h"
#include "sim/params.h"

namespace expertlab::experts {

class LeaderTrap final : public LossSequence {
 public:
  explicit LeaderTrap(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  double Loss(int64_t day, int expert) const override;
  double Mean(int64_t day, int expert) const override {
    return expert == planted_ ? 0.5 - delta_ : Loss(day, expert);
  }
  int Comparator() const override { return planted_; }
  bool Oblivious() const override { return true; }

  int planted() const { return planted_; }
  bool Hot(int64_t day, int expert) const;
  ParamValues EffectiveParams() const override {
    return {{"window", static_cast<double>(window_)},
            {"delta", delta_},
            {"comparator_rate", 0.5 - delta_}};
  }

 private:
  int64_t window_;
  double delta_;
  int planted_ = 0;
  uint64_t key_ = 0;
};

}  // namespace expertlab::experts
