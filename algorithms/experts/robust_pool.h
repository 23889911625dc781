// Adaptive-robust pool (PR23-inspired): never concentrate play. Keep an
// active pool of experts that looked good, and play uniformly over those
// that are currently near the best and were not hit yesterday, so an
// adversary that watches the played experts cannot focus on one.
//
// Inspired by the adaptive-adversary result of B. Peng and A. Rubinstein,
// "Near optimal memory-regret tradeoff for online learning", FOCS 2023
// (arXiv 2303.01673): against an adversary that observes past chosen
// experts, roughly sqrt(n) memory is necessary and sufficient for o(T)
// regret. PR23's algorithm text was NOT available to us (a secondary
// summary mentions sub-sampled "random expert" blocks; unverified), so this
// is our design [R], not PR23's algorithm:
//   - statistics per active expert: an exponentially discounted loss e_i
//     (horizon H) and yesterday's loss (two words);
//   - good set G = {i : e_i <= min_j e_j + gamma and l_{t-1}(i) < 1/2}
//     (if empty, drop the second condition); play uniformly on G;
//   - candidates (m slots) are probed for `probe` days without being
//     played; one whose average loss is at most the algorithm's average
//     over the same days + gamma/2 takes a free active slot, or replaces
//     the active expert with the largest e_i if that is worse by gamma.
// Against kill-on-play (an expert played today loses 1 for W days) it
// sustains zero loss iff about W good experts are held, hence a memory
// threshold proportional to W (about sqrt(n) for kill_on_play's default W).
//
// Parameters
//   memory           int >= 3 (<= n)  S words = 2 k + m
//   active_fraction  (0, 1)           share of S for the active pool
//   probe            int >= 1         probation length in days
//   gamma            (0, 1)           tolerance of the good set
//   horizon          auto | > 1       H of the discounted loss; auto = max(32, 4k)
//
// Memory: 2 words per active expert, 1 per candidate: at most S.
#pragma once

#include <optional>
#include <vector>

#include "algorithms/experts/two_pool_learner.h"
#include "sim/params.h"

namespace expertlab::experts {

class RobustPool final : public TwoPoolLearner {
 public:
  explicit RobustPool(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  int Act() override;
  double ExpectedLoss(const LossView& losses) const override;
  void Observe(const LossView& losses) override;
  // discount_horizon: H of the discounted loss.
  ParamValues EffectiveParams() const override {
    return {{"active", static_cast<double>(active_.capacity())},
            {"candidates", static_cast<double>(candidates_.capacity())},
            {"discount_horizon", 1 / (1 - decay_)}};
  }

 private:
  void ComputeGoodSet();
  void StartProbe();

  double active_fraction_;
  int64_t probe_;
  double gamma_;
  std::optional<double> fixed_horizon_;

  int num_experts_ = 0;
  double decay_ = 0;  // 1 - 1/H
  // Active pool: stat 0 discounted loss, stat 1 yesterday's loss;
  // candidates: stat 0 loss since the probe started.
  std::vector<int> good_;  // slots of the active pool in G
  int64_t probe_day_ = 0;
  double alg_probe_loss_ = 0;
};

}  // namespace expertlab::experts
