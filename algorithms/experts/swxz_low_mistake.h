// SWXZ22 low-mistake pool for arbitrary-order streams: follow a random
// member of a pool of k sampled experts, delete a member as soon as its
// error rate since it was sampled exceeds delta / (8 log2 n), resample a
// fresh pool when it is empty.
//
// Paper: V. Srinivas, D. P. Woodruff, Z. Xu, S. Zhou, "Memory bounds for
// the experts problem", STOC 2022 (arXiv 2204.09837), arbitrary-order upper
// bound in the low-mistake regime M < delta^2 T / (1280 log^2 n), delta >
// sqrt(128 log^2 n / T): average regret delta w.p. 4/5 with O(n log^2 n /
// (delta T)) experts per pool, i.e. total regret O~(n / S), independent of
// T. Implemented from the authors' STOC 2022 talk slides (paper body not
// checked). With [0, rho] costs the slides
// follows a random pool member instead of the majority vote, which is what
// this follow-an-expert learner does.
//   rule swxz:  delete i when err_i > delta / (8 log2 n) * age
//   rule naive: delete i when err_i > (1 - delta) * age, the slides'
//               "really bad case" in which errors build up (~T - T/k)
// In the memory model k = S, and delta defaults to the value that makes
// k = c n log2^2 n / (delta T), clipped to (0, 1/2].
//
// Parameters
//   memory  int >= 1 (<= n)   S = k, pool size (one error count per expert)
//   delta   auto | (0, 1/2]   target average regret
//   c       > 0               constant in k = c n log2^2 n / (delta T)
//   rule    swxz | naive      deletion rule
//
// Memory: S words (each member's error count; ages are one shared scalar
// because a pool is sampled all at once).
#pragma once

#include <optional>

#include "algorithms/experts/learner.h"
#include "algorithms/experts/pool.h"
#include "sim/params.h"

namespace expertlab::experts {

class SwxzLowMistake final : public ExpertsLearner {
 public:
  explicit SwxzLowMistake(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  int Act() override;
  double ExpectedLoss(const LossView& losses) const override;
  void Observe(const LossView& losses) override;
  int64_t MemoryBudget() const override { return memory_; }
  int64_t MemoryWords() const override { return pool_.Words(); }
  bool Holds(int expert) const override { return pool_.Contains(expert); }
  void HeldExperts(int, std::vector<int>& out) const override { out = pool_.ids(); }

  double delta() const { return delta_; }
  int64_t pools_sampled() const { return pools_sampled_; }
  // threshold: errors allowed per day of a member's age.
  ParamValues EffectiveParams() const override {
    return {{"pool", static_cast<double>(memory_)}, {"delta", delta_}, {"threshold", threshold_}};
  }

 private:
  void Refill();

  int64_t memory_;
  std::optional<double> fixed_delta_;
  double c_;
  bool naive_;
  int num_experts_ = 0;
  double delta_ = 0;
  double threshold_ = 0;  // allowed errors per day of age
  int64_t age_ = 0;
  int64_t pools_sampled_ = 0;
  Pool pool_;  // stat 0: errors since sampled
  Rng rng_{0, 0, 0, 0};
};

}  // namespace expertlab::experts
