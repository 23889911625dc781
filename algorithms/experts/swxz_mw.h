// SWXZ22 pool multiplicative weights for random-order streams: run MW on a
// pool of k uniformly sampled experts and resample the whole pool when its
// cost departs from what the best expert's presence would allow.
//
// Paper: V. Srinivas, D. P. Woodruff, Z. Xu, S. Zhou, "Memory bounds for
// the experts problem", STOC 2022 (arXiv 2204.09837), random-order upper
// bound; implemented from the authors' STOC 2022 talk slides and poster
// (the paper body was not checked):
//   k = n ln n / (delta^2 T) experts per pool, MW with eps = delta / 2;
//   resample ("cost" rule, slides) when the pool's expected cost C over its
//   tau days exceeds
//     (1 + delta/2)(alpha tau + c (4 sqrt(tau ln T) + 4 ln T / alpha))
//       + 2 ln n / delta,
//   alpha = M/T the best expert's loss rate; or ("rate" rule, poster) when
//   every pool expert has L_i >= (alpha + delta) tau + c sqrt(tau ln T)
//   (the slack term is ours: without it a pool is dropped on day 1).
//   Unknown M: a binary search for alpha over ceil(2 log2(1/delta)) epochs
//   of length delta T / that many (slides: "Removing the assumption on M");
//   an epoch at alpha = mid moves the upper end down when the pool in use
//   survived its second half, else moves the lower end up ([R]: our reading
//   of the search's test). The remaining days run at the upper end.
// In the memory model the pool size is the budget: k = S, and delta
// defaults to the value that makes k = n ln n / (delta^2 T).
//
// Parameters
//   memory  int >= 1 (<= n)   S = k, pool size (one weight per expert)
//   delta   auto | (0, 1/2]   target average regret; auto = sqrt(n ln n/(S T))
//   alpha   auto | [0, 1]     M/T if known; auto = binary search
//   rule    cost | rate       resample test (slides | poster)
//   slack   > 0               multiplier c on the deviation terms
//
// Memory: S words (each pool expert's loss since the resample; its MW
// weight is (1 - eps)^L). C, tau and the search state are O(1) scalars.
#pragma once

#include <optional>
#include <vector>

#include "algorithms/experts/kernels.h"
#include "algorithms/experts/learner.h"
#include "sim/params.h"

namespace expertlab::experts {

class SwxzMw final : public ExpertsLearner {
 public:
  explicit SwxzMw(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  int Act() override { return ids_[weights_.Sample(rng_.Uniform())]; }
  double ExpectedLoss(const LossView& losses) const override;
  void Observe(const LossView& losses) override;
  int64_t MemoryBudget() const override { return memory_; }
  int64_t MemoryWords() const override { return static_cast<int64_t>(ids_.size()); }
  bool Holds(int expert) const override { return index_.Contains(expert); }
  void HeldExperts(int, std::vector<int>& out) const override { out = ids_; }

  double delta() const { return delta_; }
  double alpha() const { return alpha_; }
  int64_t resamples() const { return resamples_; }
  // alpha is the value in use on day 1 (the search's first midpoint when
  // alpha = auto; alpha_search says which).
  ParamValues EffectiveParams() const override;

 private:
  void Resample();
  bool ShouldResample() const;
  void SearchStep();

  int64_t memory_;
  std::optional<double> fixed_delta_;
  std::optional<double> fixed_alpha_;
  bool cost_rule_;
  double slack_;

  int num_experts_ = 0;
  int64_t horizon_ = 0;
  double delta_ = 0;
  double eta_ = 0;  // -ln(1 - eps), eps = delta / 2
  double alpha_ = 0;
  double log_t_ = 0;
  std::vector<int> ids_;
  IdIndex index_;
  ExpWeights weights_;
  Eigen::ArrayXd today_;
  double cost_ = 0;  // C: pool's expected cost since the last resample
  int64_t tau_ = 0;  // days since the last resample
  int64_t day_ = 0;
  int64_t resamples_ = 0;
  // Binary search for alpha (unknown M).
  int search_epochs_left_ = 0;
  int64_t search_epoch_length_ = 0;
  int64_t search_epoch_day_ = 0;
  int64_t last_resample_day_ = 0;
  double alpha_lo_ = 0, alpha_hi_ = 1;
  Rng rng_{0, 0, 0, 0};
};

}  // namespace expertlab::experts
