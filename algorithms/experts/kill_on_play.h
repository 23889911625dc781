// Action-observing "kill-on-play" adversary: an expert the learner plays
// loses 1 on each of the next W days; a reserve of r good experts has loss
// 0 otherwise, every other expert loses 1 every day.
//
// Our probe [R] of the adaptive model of Peng & Rubinstein (FOCS 2023:
// the adversary observes past chosen experts; roughly sqrt(n) memory is
// necessary and sufficient for o(T) regret). It is NOT PR23's lower-bound
// construction (not available to us). The adversary sees only the played
// experts (SeeAction), never the learner's memory. A reserve expert that is
// never played keeps loss 0, so min_i L_T(i) stays 0 while the learner
// pays 1 on every day it plays a dead or non-reserve expert. To avoid loss
// a learner must rotate over more than W live reserve experts it has found
// and remembered: the memory needed scales with W, and with the defaults
// W = r = ceil(sqrt n) the threshold sits at S ~ sqrt(n) by construction
// (the collapse of R/T against S/sqrt(n) in adaptive_threshold measures
// the learners' constants, not PR23's theorem). Full-memory Hedge keeps
// pseudo-regret <= sqrt(T ln n / 2) here: its bound holds for adaptive
// sequences.
//
// Parameters
//   window   auto | int >= 1   W days of loss after each play; auto = ceil(sqrt n)
//   reserve  auto | int >= 1   r good experts; auto = ceil(sqrt n)
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "algorithms/experts/instance.h"
#include "sim/params.h"

namespace expertlab::experts {

class KillOnPlay final : public LossSequence {
 public:
  explicit KillOnPlay(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  double Loss(int64_t day, int expert) const override {
    return reserve_[expert] && dead_until_[expert] < day ? 0.0 : 1.0;
  }
  void SeeAction(int64_t day, int expert) override { dead_until_[expert] = day + window_; }

  int64_t window() const { return window_; }
  int64_t reserve_size() const { return reserve_size_; }
  bool InReserve(int expert) const { return reserve_[expert] != 0; }
  ParamValues EffectiveParams() const override {
    return {{"window", static_cast<double>(window_)},
            {"reserve", static_cast<double>(reserve_size_)}};
  }

 private:
  std::optional<double> fixed_window_;
  std::optional<double> fixed_reserve_;
  int64_t window_ = 0;
  int64_t reserve_size_ = 0;
  std::vector<char> reserve_;
  std::vector<int64_t> dead_until_;  // last day of loss 1 after a play
};

}  // namespace expertlab::experts
