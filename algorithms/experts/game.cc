#include "algorithms/experts/game.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace expertlab::experts {
namespace {

// Losses must lie in [0, 1]: every bound the learners rely on assumes it,
// and a NaN would silently poison weights. Checked here, where instances
// hand losses to learners, rather than in each learner. `!(0 <= x <= 1)`
// also catches NaN.
bool ValidLoss(double loss) { return loss >= 0 && loss <= 1; }

[[noreturn]] void InvalidLoss(int64_t day, int expert, double loss) {
  throw Error("the instance gave expert " + std::to_string(expert) + " the loss " +
              std::to_string(loss) + " on day " + std::to_string(day) +
              "; losses must be in [0, 1] (NaN and infinities are rejected)");
}

// Today's losses or planted means, served one expert at a time.
class DayLosses final : public LossSource {
 public:
  DayLosses(const LossSequence& sequence, bool means) : sequence_(sequence), means_(means) {}
  void set_day(int64_t day) { day_ = day; }
  double At(int expert) const override {
    const double value = means_ ? sequence_.Mean(day_, expert) : sequence_.Loss(day_, expert);
    if (!means_ && !ValidLoss(value)) InvalidLoss(day_, expert, value);
    return value;
  }

 private:
  const LossSequence& sequence_;
  bool means_;
  int64_t day_ = 0;
};

// Cumulative losses are sums of losses in [0, 1] (exact integers for 0/1
// losses); rounding to 1e-6 keeps the hash independent of summation order.
uint64_t SequenceChecksum(const Eigen::ArrayXd& cumulative, int comparator) {
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a over 64-bit words
  auto mix = [&](uint64_t word) {
    for (int byte = 0; byte < 8; ++byte) {
      hash ^= (word >> (8 * byte)) & 0xff;
      hash *= 0x100000001b3ULL;
    }
  };
  mix(static_cast<uint64_t>(static_cast<int64_t>(comparator)));
  for (Eigen::Index i = 0; i < cumulative.size(); ++i)
    mix(static_cast<uint64_t>(std::llround(cumulative[i] * 1e6)));
  return hash >> 12;
}


}  // namespace

double ConstantPlayLoss(LossSequence& sequence, int num_experts, int expert, int64_t horizon) {
  EXPERTLAB_CHECK(expert >= 0 && expert < num_experts)
      << "expert " << expert << " out of range for n = " << num_experts;
  const ConstantPlayer player(expert);
  double total = 0;
  for (int64_t day = 1; day <= horizon; ++day) {
    sequence.BeginDay(day, player);
    const double loss = sequence.Loss(day, expert);
    if (!ValidLoss(loss)) InvalidLoss(day, expert, loss);
    total += loss;
    sequence.SeeAction(day, expert);
  }
  return total;
}

GameResult PlayGame(ExpertsLearner& learner, LossSequence& sequence, int num_experts,
                    int64_t horizon, const std::vector<int64_t>& checkpoints, Rng learner_rng,
                    Rng sequence_rng) {
  EXPERTLAB_CHECK(num_experts >= 1) << "n must be >= 1, got " << num_experts;
  EXPERTLAB_CHECK(horizon >= 1) << "T must be >= 1, got " << horizon;
  learner.Start(num_experts, horizon, std::move(learner_rng));
  sequence.Start(num_experts, horizon, std::move(sequence_rng));
  return PlayStartedGame(learner, sequence, num_experts, horizon, checkpoints);
}

GameResult PlayStartedGame(ExpertsLearner& learner, LossSequence& sequence, int num_experts,
                           int64_t horizon, const std::vector<int64_t>& checkpoints) {
  EXPERTLAB_CHECK(num_experts >= 1) << "n must be >= 1, got " << num_experts;
  EXPERTLAB_CHECK(horizon >= 1) << "T must be >= 1, got " << horizon;
  const int64_t budget = learner.MemoryBudget();
  const bool full_access = budget >= num_experts;
  // Daily n-vectors only when someone needs them: a full-memory learner, or
  // an adaptive sequence (its losses cannot be summed after the fact).
  const bool dense = full_access || !sequence.Oblivious();
  const int comparator = sequence.Comparator();
  EXPERTLAB_CHECK(comparator < num_experts)
      << "instance comparator " << comparator << " out of range";

  Eigen::ArrayXd losses = Eigen::ArrayXd::Zero(dense ? num_experts : 0);
  Eigen::ArrayXd means;
  Eigen::ArrayXd cumulative = Eigen::ArrayXd::Zero(num_experts);
  DayLosses day_losses(sequence, /*means=*/false);
  DayLosses day_means(sequence, /*means=*/true);
  GameResult result;
  double mean_loss = 0;        // sum_t <p_t, mu_t>
  double comparator_mean = 0;  // sum_t mu_t(i*)
  int64_t accumulated_through = 0;
  int64_t peak_words = learner.MemoryWords();
  EXPERTLAB_CHECK(peak_words <= budget)
      << "learner kept " << peak_words << " words after Start, over its "
      << "budget of " << budget;
  auto next_checkpoint = checkpoints.begin();

  auto record = [&](int64_t day) {
    if (!dense) {
      const int64_t first = accumulated_through + 1;
      sequence.Accumulate(first, day, cumulative);
      accumulated_through = day;
      // Losses nobody read today were summed here: a sum outside [0, day]
      // (or NaN) means one of them was outside [0, 1].
      if (!((cumulative >= 0) && (cumulative <= static_cast<double>(day))).all()) {
        for (int64_t t = first; t <= day; ++t)
          for (int i = 0; i < num_experts; ++i)
            if (!ValidLoss(sequence.Loss(t, i))) InvalidLoss(t, i, sequence.Loss(t, i));
        throw Error("the instance's summed losses through day " + std::to_string(day) +
                    " are outside [0, " + std::to_string(day) + "]");
      }
    }
    Eigen::Index best_index = 0;
    const double best = cumulative.minCoeff(&best_index);
    GamePoint point{day,
                    result.learner_loss - best,
                    result.expected_loss - best,
                    best,
                    std::numeric_limits<double>::quiet_NaN(),
                    peak_words};
    if (comparator >= 0) point.mean_regret = mean_loss - comparator_mean;
    result.points.push_back(point);
    result.best_loss = best;
    result.best_expert = static_cast<int>(best_index);
  };

  for (int64_t day = 1; day <= horizon; ++day) {
    sequence.BeginDay(day, learner);
    if (dense) {
      sequence.Fill(day, losses);
      if (!((losses >= 0) && (losses <= 1)).all())
        for (int i = 0; i < num_experts; ++i)
          if (!ValidLoss(losses[i])) InvalidLoss(day, i, losses[i]);
    }
    day_losses.set_day(day);
    day_means.set_day(day);
    if (comparator >= 0 && (full_access || learner.Holds(comparator)))
      ++result.comparator_held_days;
    const int action = learner.Act();
    EXPERTLAB_CHECK(action >= 0 && action < num_experts)
        << "learner played expert " << action << " of " << num_experts << " on day " << day;
    EXPERTLAB_CHECK(full_access || learner.Holds(action))
        << "learner played expert " << action << " on day " << day << ", which it does not hold";

    const LossView view =
        dense ? LossView(losses, learner, full_access) : LossView(day_losses, num_experts, learner);
    result.learner_loss += dense ? losses[action] : day_losses.At(action);
    result.expected_loss += learner.ExpectedLoss(view);
    if (comparator >= 0) {
      if (full_access) {
        means.resize(num_experts);
        sequence.FillMeans(day, means);
        mean_loss += learner.ExpectedLoss(LossView(means, learner, true));
      } else {
        mean_loss += learner.ExpectedLoss(LossView(day_means, num_experts, learner));
      }
      comparator_mean += sequence.Mean(day, comparator);
    }
    learner.Observe(view);
    result.max_reads_per_day = std::max(result.max_reads_per_day, view.reads());
    sequence.SeeAction(day, action);
    if (dense) cumulative += losses;

    const int64_t words = learner.MemoryWords();
    peak_words = std::max(peak_words, words);
    EXPERTLAB_CHECK(words <= budget)
        << "learner kept " << words << " words on day " << day << ", over its budget of " << budget;
    while (next_checkpoint != checkpoints.end() && *next_checkpoint < day) ++next_checkpoint;
    if (next_checkpoint != checkpoints.end() && *next_checkpoint == day) record(day);
  }
  if (result.points.empty() || result.points.back().day != horizon) record(horizon);
  result.sequence_checksum = SequenceChecksum(cumulative, comparator);
  return result;
}

}  // namespace expertlab::experts
