// One experts game per cell, played the same way by every experts
// experiment: create the instance and the learner from their specs, start
// them, play the game, record the standard rows. Experiments add only the
// rows of their own study (theory curves, predictions).
//
// Random streams (common random numbers: see CellContext::DataStream). The instance draws
// from CellContext::DataStream, keyed by the experiment's data keys and the
// replicate, so every learner of one replicate meets the same loss sequence
// when the instance is oblivious; the learner draws from the cell's own
// stream. An adaptive adversary's own draws come from the data stream too,
// but its losses react to the learner's plays: those sequences are not
// shared, and the `oblivious` row (0) says so.
//
// Standard rows, at every checkpoint t (log-spaced or as given; always T):
//   regret          sum_s l_s(i_s) - min_i L_t(i)   (realised)
//   pseudo_regret   sum_s <p_s, l_s> - min_i L_t(i)
//   mean_regret     sum_s <p_s, mu_s> - sum_s mu_s(i*) (planted instances only)
//   best_loss       min_i L_t(i)
//   memory_words    peak words the learner kept so far
// and at t = T:
//   sequence_checksum  hash of every expert's L_T(i) and the comparator:
//                      equal across learners that saw the same sequence
//   oblivious          1 if no loss depended on the learner, else 0
//   policy_regret      (adaptive sequences, when asked) the learner's loss
//                      minus min_i of expert i's loss had it been played
//                      every day (the adversary responding to that play)
//   policy_best_loss   that minimum
//   held_fraction      share of the T days on which the learner held the
//                      comparator i* when it played (instances with one)
//   param.<name>       the learner's EffectiveParams after Start
//   instance.<name>    the instance's EffectiveParams after Start
//
// Theory rows (RecordSlopePrediction), for the report's verdicts: at T,
//   theory.slope       the log-log slope theory predicts for the experiment's
//                      headline metric against its x key (T or S)
//   theory.fit         1 if this cell lies where the prediction applies
//                      (its x enters the fit), else 0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "algorithms/experts/game.h"
#include "sim/experiment.h"
#include "sim/spec.h"

namespace expertlab::experiments {

// Stream ids of an experts cell.
enum ExpertsStream : uint64_t { kLearnerStream = 1, kSequenceStream = 2 };

// What a cell played, for the experiment's own rows.
struct PlayedGame {
  experts::GameResult result;
  std::string learner_spec;  // as run (memory and cell settings filled in)
  ParamValues learner_params;
  ParamValues sequence_params;
  int64_t memory_budget = 0;  // words the learner declared
  bool oblivious = false;
  std::optional<double> policy_regret;  // when asked, adaptive sequences only

  const experts::GamePoint& end() const { return result.points.back(); }
  std::optional<double> LearnerParam(std::string_view name) const {
    return FindParam(learner_params, name);
  }
  std::optional<double> SequenceParam(std::string_view name) const {
    return FindParam(sequence_params, name);
  }
};

// Records theory.slope and theory.fit at `step` (see above); a cell whose
// learner has no prediction records neither.
void RecordSlopePrediction(CellContext& context, int64_t step, double slope, bool in_regime);

class ExpertsGame {
 public:
  ExpertsGame(std::string learner, std::string sequence, int num_experts, int64_t horizon)
      : learner_(std::move(learner)),
        sequence_(std::move(sequence)),
        num_experts_(num_experts),
        horizon_(horizon) {}

  // memory=S for a learner with a memory budget (full-memory learners run
  // as given).
  ExpertsGame& Memory(int64_t memory);
  // key=value for a learner that declares `key`, replacing the spec's value
  // (a cell setting such as the epoch length).
  ExpertsGame& LearnerSets(const std::string& key, const std::string& value);
  // A learner that declares `alpha` (the best expert's loss rate, SWXZ22's
  // M/T) and leaves it unset gets the instance's reported comparator_rate
  // (SWXZ22's "M known" version); alpha=auto keeps the binary search.
  ExpertsGame& KnownComparatorRate() {
    known_rate_ = true;
    return *this;
  }
  // Also records policy regret at T when the sequence is adaptive (see
  // game.h: ConstantPlayLoss): n replays of the adversary against constant
  // play, O(n T) work.
  ExpertsGame& PolicyRegret() {
    policy_regret_ = true;
    return *this;
  }
  // Checkpoints (default: T only).
  ExpertsGame& Checkpoints(std::vector<int64_t> steps) {
    checkpoints_ = std::move(steps);
    return *this;
  }

  // Plays the game with the cell's streams and records the standard rows.
  PlayedGame Play(CellContext& context) const;

 private:
  std::string learner_;
  std::string sequence_;
  int num_experts_;
  int64_t horizon_;
  bool known_rate_ = false;
  bool policy_regret_ = false;
  std::vector<int64_t> checkpoints_;
};

}  // namespace expertlab::experiments
