#include "algorithms/experts/game.h"

#include <algorithm>

namespace expertlab::experts {

GameResult PlayGame(ExpertsLearner& learner, LossSequence& sequence,
                    int num_experts, int64_t horizon,
                    const std::vector<int64_t>& checkpoints, Rng learner_rng,
                    Rng sequence_rng) {
  EXPERTLAB_CHECK(num_experts >= 1) << "n must be >= 1, got " << num_experts;
  EXPERTLAB_CHECK(horizon >= 1) << "T must be >= 1, got " << horizon;
  learner.Start(num_experts, horizon, std::move(learner_rng));
  sequence.Start(num_experts, horizon, std::move(sequence_rng));
  const int64_t budget = learner.MemoryBudget();
  const bool full_access = budget >= num_experts;

  Eigen::ArrayXd losses(num_experts);
  Eigen::ArrayXd cumulative = Eigen::ArrayXd::Zero(num_experts);
  GameResult result;
  double pseudo_loss = 0;
  int64_t peak_words = learner.MemoryWords();
  auto next_checkpoint = checkpoints.begin();
  for (int64_t day = 1; day <= horizon; ++day) {
    sequence.Next(day, losses);
    const int action = learner.Act();
    EXPERTLAB_CHECK(action >= 0 && action < num_experts)
        << "learner played expert " << action << " of " << num_experts;
    const LossView view(losses, learner, full_access);
    result.learner_loss += losses[action];
    pseudo_loss += learner.ExpectedLoss(view);
    learner.Observe(view);
    sequence.SeeAction(day, action);
    cumulative += losses;

    const int64_t words = learner.MemoryWords();
    peak_words = std::max(peak_words, words);
    EXPERTLAB_CHECK(words <= budget)
        << "learner kept " << words << " words on day " << day
        << ", over its budget of " << budget;
    while (next_checkpoint != checkpoints.end() && *next_checkpoint < day)
      ++next_checkpoint;
    if (next_checkpoint != checkpoints.end() && *next_checkpoint == day) {
      const double best = cumulative.minCoeff();
      result.points.push_back({day, result.learner_loss - best,
                               pseudo_loss - best, peak_words});
    }
  }
  result.best_loss = cumulative.minCoeff();
  if (result.points.empty() || result.points.back().day != horizon)
    result.points.push_back({horizon, result.learner_loss - result.best_loss,
                             pseudo_loss - result.best_loss, peak_words});
  return result;
}

}  // namespace expertlab::experts
