// Single-scale baseline pool (PZ23-inspired): an active pool played with
// Hedge and a set of candidates on probation, re-examined at the end of
// each epoch of B days against the algorithm's own epoch loss.
//
// Inspired by B. Peng and F. Zhang, "Online prediction in sub-linear
// space", SODA 2023 (arXiv 2207.07974), whose algorithm "bypasses the
// traditional wisdom of leader selection" with a pool-selection procedure;
// their actual rule, margin and schedule were NOT available to us (only the
// abstract), so this is our
// reconstruction [R], not PZ23's algorithm:
//   - each epoch: fill the free candidate slots with uniformly drawn fresh
//     experts; play Hedge (fresh weights, eta = sqrt(8 ln k / B)) on the
//     active pool (uniformly on the candidates while it is empty); track
//     every held expert's epoch loss Le(i) and Le(ALG) = sum_t <p_t, l_t>;
//   - rule beat (the baseline pool): at the epoch's end an active expert
//     stays iff the algorithm did not beat it by more than theta,
//     Le(i) <= Le(ALG) + theta; a candidate qualifies iff it beat the
//     algorithm, Le(c) <= Le(ALG) - theta. Qualified candidates, in random
//     order (ranking them by their record would be leader selection
//     again), take free active slots, then replace the worst incumbent
//     that did not beat the algorithm this epoch, if they beat it by theta
//     too (without that, an active pool of uniformly bad experts, which the
//     algorithm made of them cannot "beat", would lock out every newcomer);
//   - rule leader (leader selection): the k experts with the smallest epoch
//     loss among active and candidates become the active pool.
//   theta = margin * sqrt(B ln(S T)). Candidates are never played: their
//   epoch record is the probation.
// Heuristic regret (planted gap delta): (T/B) sqrt(B ln k) per-epoch Hedge
// restarts + delta (n/m) B to find i*; B = (T m / n)^{2/3} balances them to
// ~T^{2/3} (n/m)^{1/3}: the ⅔ slope. On a planted instance with a fixed
// gap, once B reaches the detection epoch the pool shrinks to i* and the
// search alone remains, (n/(2m) + 1) B ~ T^{2/3} (theory::
// ProbationSearchDays).
//
// Parameters
//   memory           int >= 1 (<= n)  S = k active + m candidates
//   epoch            auto | int >= 1  B; auto = ceil((T m / n)^{2/3})
//   rule             beat | leader    selection rule (see above)
//   margin           > 0              theta multiplier (0.5: a fair candidate
//                                     qualifies ~3.5 sd above its mean)
//   active_fraction  (0, 1)           k = max(1, floor(S f)) if S >= 2
//
// Memory: one epoch loss per held expert (active weights are
// exp(-eta Le)): S words.
#pragma once

#include <optional>

#include "algorithms/experts/two_pool_learner.h"
#include "sim/params.h"

namespace expertlab::experts {

class BaselinePool final : public HedgeOnActivePool {
 public:
  explicit BaselinePool(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  void Observe(const LossView& losses) override;

  int64_t epoch() const { return epoch_; }
  ParamValues EffectiveParams() const override {
    return {{"active", static_cast<double>(active_capacity_)},
            {"candidates", static_cast<double>(candidate_capacity_)},
            {"epoch", static_cast<double>(epoch_)},
            {"eta", eta_},
            {"theta", theta_}};
  }

 private:
  void StartEpoch();
  void EndEpoch();

  std::optional<double> fixed_epoch_;
  bool leader_rule_;
  double margin_;
  double active_fraction_;

  int num_experts_ = 0;
  int64_t epoch_ = 1;
  double theta_ = 0;
  int active_capacity_ = 0;
  int candidate_capacity_ = 0;
  double alg_epoch_loss_ = 0;
  int64_t epoch_day_ = 0;
  // Pools' statistic 0: each member's loss this epoch.
};

}  // namespace expertlab::experts
