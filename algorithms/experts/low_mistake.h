// Low-mistake instance (arbitrary order): the best expert i* is perfect
// except for M mistakes placed adversarially; every other expert is a fair
// coin (Bernoulli(1/2) losses, i.i.d.).
//
// The regime of the Srinivas-Woodruff-Xu-Zhou (STOC 2022) arbitrary-order
// upper bound, M < delta^2 T / (1280 log^2 n), and of the Woodruff-Zhang-
// Zhou (2023) deterministic pool cycling with regret ~ n M / S. Placement
// is our construction [R]: "bursts" puts the M mistakes in b equal runs at
// uniformly random positions (mistakes clustered in time hurt deletion-
// based pools most), "spread" at M uniformly random days.
//
// Parameters
//   mistakes   int >= 0     M (must be <= T; checked at Start)
//   placement  bursts | spread
//   bursts     int >= 1     b, number of runs for placement=bursts
//
// Streaming: fair experts use the same 64-day hashed words as
// planted_bernoulli; the M mistake days are stored (M words).
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/experts/instance.h"
#include "sim/params.h"

namespace expertlab::experts {

class LowMistake final : public LossSequence {
 public:
  explicit LowMistake(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  double Loss(int64_t day, int expert) const override;
  double Mean(int64_t day, int expert) const override {
    return expert == best_ ? Loss(day, expert) : 0.5;
  }
  int Comparator() const override { return best_; }
  bool Oblivious() const override { return true; }
  void Accumulate(int64_t first, int64_t last, Eigen::ArrayXd& cumulative) const override;

  int best() const { return best_; }
  const std::vector<int64_t>& mistake_days() const { return mistakes_; }
  ParamValues EffectiveParams() const override {
    return {{"mistakes", static_cast<double>(count_)},
            {"comparator_rate", static_cast<double>(count_) / static_cast<double>(horizon_)}};
  }

 private:
  int64_t MistakesIn(int64_t first, int64_t last) const;

  int64_t count_;
  bool bursts_;
  int64_t burst_count_;
  int num_experts_ = 0;
  int64_t horizon_ = 1;
  int best_ = 0;
  uint64_t key_ = 0;
  std::vector<int64_t> mistakes_;  // sorted days
};

}  // namespace expertlab::experts
