// The experts game harness: plays a learner against a loss sequence and
// records regret at checkpoints, enforcing the learner's memory model.
//
// Regret R_t = sum_s l_s(i_s) - min_i L_t(i) (realised, sampled actions);
// pseudo-regret replaces l_s(i_s) by <p_s, l_s>; mean-regret (instances
// with a planted comparator i*) is sum_s <p_s, mu_s> - sum_s mu_s(i*), with
// mu the planted means. Mean-regret has no noise floor: realised regret
// against the best expert in hindsight includes the ~sqrt(T ln n / 2) by
// which the luckiest of n fair coins beats its mean, which can hide the
// effect of memory.
//
// Enforcement (each violation throws expertlab::Error naming the day):
//   - every loss the instance gives must be in [0, 1] (NaN and infinities
//     are rejected before a learner sees them; losses no learner read are
//     checked through their sums at the checkpoints);
//   - words kept between days (MemoryWords after Start and after every
//     Observe) must stay <= MemoryBudget; the peak is reported;
//   - a learner with budget < n reads losses only through LossView, which
//     checks Holds on every read, and must play an expert it holds.
// The evaluator itself is not memory-bounded: it keeps all n cumulative
// losses (exact min_i L_t(i)). For oblivious instances and bounded-memory
// learners it never builds daily n-vectors: the instance adds whole ranges
// of days at the checkpoints (LossSequence::Accumulate).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "algorithms/experts/instance.h"
#include "algorithms/experts/learner.h"

namespace expertlab::experts {

struct GamePoint {
  int64_t day;
  double regret;
  double pseudo_regret;
  double best_loss;  // min_i L_t(i)
  // NaN when the instance designates no comparator.
  double mean_regret = std::numeric_limits<double>::quiet_NaN();
  int64_t peak_memory_words;
};

struct GameResult {
  std::vector<GamePoint> points;  // one per checkpoint, the last at T
  double learner_loss = 0;
  double expected_loss = 0;  // sum_t <p_t, l_t>
  double best_loss = 0;
  int best_expert = 0;            // argmin_i L_T(i), ties to the smallest index
  int64_t max_reads_per_day = 0;  // single-expert reads (bounded learners)
  // Days on which the learner held the comparator i* when it played (0
  // when the instance designates none): how long a pool spent with i*.
  int64_t comparator_held_days = 0;
  // A 52-bit hash (exact in a double) of every expert's cumulative loss
  // L_T(i) (to 1e-6) and the comparator: equal for two games that saw the
  // same loss sequence, so a sweep can show that learners compared in one
  // replicate shared their data (common random numbers).
  uint64_t sequence_checksum = 0;
};

// Plays T days. Throws Error if a loss is outside [0, 1], or the learner
// exceeds its memory budget, reads a loss it does not hold or plays an
// expert it does not hold.
GameResult PlayGame(ExpertsLearner& learner, LossSequence& sequence, int num_experts,
                    int64_t horizon, const std::vector<int64_t>& checkpoints, Rng learner_rng,
                    Rng sequence_rng);

// The same game for a learner and a sequence already started with
// (num_experts, horizon): a caller can read their EffectiveParams, or build
// the learner from what the sequence reports, before day 1.
GameResult PlayStartedGame(ExpertsLearner& learner, LossSequence& sequence, int num_experts,
                           int64_t horizon, const std::vector<int64_t>& checkpoints);

// A learner that plays one expert every day and holds only it (what a
// white-box adversary reads): the player of ConstantPlayLoss, and a fixed
// comparator in tests.
class ConstantPlayer final : public ExpertsLearner {
 public:
  explicit ConstantPlayer(int expert) : expert_(expert) {}
  void Start(int, int64_t, Rng) override {}
  int Act() override { return expert_; }
  double ExpectedLoss(const LossView& losses) const override { return losses[expert_]; }
  void Observe(const LossView&) override {}
  int64_t MemoryBudget() const override { return 1; }
  int64_t MemoryWords() const override { return 1; }
  bool Holds(int expert) const override { return expert == expert_; }
  void HeldExperts(int, std::vector<int>& out) const override { out.assign(1, expert_); }

 private:
  int expert_;
};

// Policy regret against an adaptive sequence compares the learner's loss
// with what a fixed expert would have suffered had it been played every day
// (the adversary then responds to that play; Arora, Dekel & Tewari, "Online
// bandit learning against an adaptive adversary: from regret to policy
// regret", ICML 2012). This is that expert's loss over T days against
// `sequence`, freshly started by the caller, when the learner always plays
// it. On an oblivious sequence it is the expert's ordinary loss L_T(i).
double ConstantPlayLoss(LossSequence& sequence, int num_experts, int expert, int64_t horizon);

}  // namespace expertlab::experts
