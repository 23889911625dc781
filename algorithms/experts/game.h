// The experts game harness: plays a learner against a loss sequence and
// records regret at checkpoints, enforcing the learner's memory budget.
//
// Regret R_t = sum_s l_s(i_s) - min_i L_t(i) (realised, sampled actions);
// pseudo-regret replaces l_s(i_s) by <p_s, l_s>. The evaluator itself keeps
// every cumulative loss: it is not memory-bounded.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "algorithms/experts/instance.h"
#include "algorithms/experts/learner.h"

namespace expertlab::experts {

struct GamePoint {
  int64_t day;
  double regret;
  double pseudo_regret;
  int64_t peak_memory_words;
};

struct GameResult {
  std::vector<GamePoint> points;  // one per checkpoint, the last at T
  double learner_loss = 0;
  double best_loss = 0;
};

// Plays T days. Throws Error if the learner exceeds its memory budget or
// reads a loss it does not hold.
GameResult PlayGame(ExpertsLearner& learner, LossSequence& sequence,
                    int num_experts, int64_t horizon,
                    const std::vector<int64_t>& checkpoints, Rng learner_rng,
                    Rng sequence_rng);

}  // namespace expertlab::experts
