#include "algorithms/experts/game.h"

#include <algorithm>
#include <cmath>

namespace expertlab::experts {
namespace {

// Today's losses or planted means, served one expert at a time.
class DayLosses final : public LossSource {
 public:
  DayLosses(const LossSequence& sequence, bool means) : sequence_(sequence), means_(means) {}
  void set_day(int64_t day) { day_ = day; }
  double At(int expert) const override {
    return means_ ? sequence_.Mean(day_, expert) : sequence_.Loss(day_, expert);
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
      sequence.Accumulate(accumulated_through + 1, day, cumulative);
      accumulated_through = day;
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
    if (dense) sequence.Fill(day, losses);
    day_losses.set_day(day);
    day_means.set_day(day);
    const int action = learner.Act();
    EXPERTLAB_CHECK(action >= 0 && action < num_experts)
        << "learner played expert " << action << " of " << num_experts << " on day " << day;
    EXPERTLAB_CHECK(full_access || learner.Holds(action))
        << "learner played expert " << action << " on day " << day << ", which it does not hold";

    const LossView view =
        dense ? LossView(losses, learner, full_access) : LossView(day_losses, num_experts, learner);
    result.learner_loss += dense ? losses[action] : sequence.Loss(day, action);
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
