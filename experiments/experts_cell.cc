#include "experiments/experts_cell.h"

#include <algorithm>
#include <limits>

#include "algorithms/experts/instance.h"
#include "algorithms/experts/learner.h"
#include "sim/registry.h"

namespace expertlab::experiments {

using experts::ExpertsLearner;
using experts::LossSequence;

ExpertsGame& ExpertsGame::Memory(int64_t memory) {
  return LearnerSets("memory", std::to_string(memory));
}

ExpertsGame& ExpertsGame::LearnerSets(const std::string& key, const std::string& value) {
  if (SpecHasParam<ExpertsLearner>(learner_, key)) learner_ = SpecWith(learner_, key, value);
  return *this;
}

void RecordSlopePrediction(CellContext& context, int64_t step, double slope, bool in_regime) {
  context.Record("theory.slope", step, slope);
  context.Record("theory.fit", step, in_regime ? 1.0 : 0.0);
}

PlayedGame ExpertsGame::Play(CellContext& context) const {
  PlayedGame played;
  const auto sequence = Registry<LossSequence>::Instance().Create(sequence_);
  sequence->Start(num_experts_, horizon_, context.DataStream(kSequenceStream));
  played.sequence_params = sequence->EffectiveParams();
  played.oblivious = sequence->Oblivious();

  played.learner_spec = learner_;
  const std::optional<double> rate = FindParam(played.sequence_params, "comparator_rate");
  if (known_rate_ && rate && SpecHasParam<ExpertsLearner>(learner_, "alpha") &&
      SpecArg(learner_, "alpha").empty())
    played.learner_spec = SpecWith(learner_, "alpha", SpecNumber(*rate));
  const auto learner = Registry<ExpertsLearner>::Instance().Create(played.learner_spec);
  learner->Start(num_experts_, horizon_, context.Stream(kLearnerStream));
  played.learner_params = learner->EffectiveParams();
  played.memory_budget = learner->MemoryBudget();

  played.result = experts::PlayStartedGame(
      *learner, *sequence, num_experts_, horizon_,
      checkpoints_.empty() ? std::vector<int64_t>{horizon_} : checkpoints_);
  for (const experts::GamePoint& point : played.result.points) {
    context.Record("regret", point.day, point.regret);
    context.Record("pseudo_regret", point.day, point.pseudo_regret);
    if (sequence->Comparator() >= 0) context.Record("mean_regret", point.day, point.mean_regret);
    context.Record("best_loss", point.day, point.best_loss);
    context.Record("memory_words", point.day, static_cast<double>(point.peak_memory_words));
  }
  context.Record("sequence_checksum", horizon_,
                 static_cast<double>(played.result.sequence_checksum));
  context.Record("oblivious", horizon_, played.oblivious ? 1.0 : 0.0);
  if (policy_regret_ && !played.oblivious) {
    double best = std::numeric_limits<double>::infinity();
    for (int expert = 0; expert < num_experts_; ++expert) {
      const auto replay = Registry<LossSequence>::Instance().Create(sequence_);
      replay->Start(num_experts_, horizon_, context.DataStream(kSequenceStream));
      best = std::min(best, experts::ConstantPlayLoss(*replay, num_experts_, expert, horizon_));
    }
    played.policy_regret = played.result.learner_loss - best;
    context.Record("policy_regret", horizon_, *played.policy_regret);
    context.Record("policy_best_loss", horizon_, best);
  }
  if (sequence->Comparator() >= 0)
    context.Record("held_fraction", horizon_,
                   static_cast<double>(played.result.comparator_held_days) /
                       static_cast<double>(horizon_));
  for (const auto& [name, value] : played.learner_params)
    context.Record("param." + name, horizon_, value);
  for (const auto& [name, value] : played.sequence_params)
    context.Record("instance." + name, horizon_, value);
  return played;
}

}  // namespace expertlab::experiments
