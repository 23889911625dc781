#include "algorithms/debate/expert.h"

#include <cmath>
#include <limits>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::debate {

namespace {

constexpr double kFabricationMu = 0.3;
constexpr double kFabricationSigma = 0.5;

}  // namespace

void CheckExpert(const Expert& expert) {
  for (const auto& [value, key] : {std::pair{expert.skill, "skill"},
                                   std::pair{expert.fabrication, "fabrication"},
                                   std::pair{expert.leak, "leak"}})
    EXPERTLAB_CHECK(value >= 0.0 && value <= 1.0)
        << key << " = " << value << ": expected a probability in [0, 1]";
  EXPERTLAB_CHECK(expert.bon >= 1 && expert.bon <= 1024)
      << "bon = " << expert.bon << ": expected an integer in [1, 1024]";
}

Argument DrawArgument(const Question& question, const Transcript& transcript, Side side,
                      const Expert& expert, const Turn& turn, Rng& rng) {
  Argument recalled;
  for (size_t i = 0; i < question.items.size(); ++i)
    if (question.items[i].side == side && !transcript.shown[i] && Bernoulli(rng, expert.skill))
      recalled.push_back({ActionKind::kQuote, static_cast<int>(i), 0.0});
  const std::vector<Quote>& opposing = transcript.quotes[Other(side)];
  for (size_t k = 0; k < opposing.size(); ++k) {
    const Quote& quote = opposing[k];
    if (quote.item >= 0 && quote.verified && !quote.refuted &&
        question.items[static_cast<size_t>(quote.item)].refutable && Bernoulli(rng, expert.skill))
      recalled.push_back({ActionKind::kRefute, static_cast<int>(k), 0.0});
  }
  Argument argument;
  for (int slot = 0; slot < turn.slots; ++slot) {
    if (Bernoulli(rng, expert.fabrication)) {
      argument.push_back(
          {ActionKind::kFabricate, -1, std::exp(Normal(rng, kFabricationMu, kFabricationSigma))});
    } else if (!recalled.empty()) {
      const size_t pick = rng.UniformInt(recalled.size());
      argument.push_back(recalled[pick]);
      recalled[pick] = recalled.back();
      recalled.pop_back();
    }
  }
  if (turn.probed && Bernoulli(rng, expert.leak * expert.skill)) {
    std::vector<int> hidden;
    for (size_t i = 0; i < question.items.size(); ++i)
      if (question.items[i].side != side && !transcript.shown[i]) hidden.push_back(static_cast<int>(i));
    if (!hidden.empty())
      argument.push_back({ActionKind::kLeak, hidden[rng.UniformInt(hidden.size())], 0.0});
  }
  return argument;
}

void Apply(const Question& question, Side side, const Argument& argument,
           Transcript& transcript) {
  for (const Action& action : argument) {
    switch (action.kind) {
      case ActionKind::kQuote:
      case ActionKind::kLeak:
        transcript.Show(question, action.target);
        break;
      case ActionKind::kRefute:
        transcript.quotes[Other(side)][static_cast<size_t>(action.target)].refuted = true;
        break;
      case ActionKind::kFabricate:
        transcript.quotes[side].push_back({-1, action.strength, false, false});
        break;
    }
  }
}

Argument BestArgument(const Question& question, const Transcript& transcript, Side side,
                      const Expert& expert, const Turn& turn, const Judge& judge, Rng& rng) {
  Argument best;
  double best_margin = -std::numeric_limits<double>::infinity();
  for (int64_t n = 0; n < expert.bon; ++n) {
    Argument candidate = DrawArgument(question, transcript, side, expert, turn, rng);
    if (expert.bon == 1) return candidate;
    Transcript trial = transcript;
    Apply(question, side, candidate, trial);
    const double margin = judge.Margin(trial, side, turn.lone);
    if (margin > best_margin) {
      best_margin = margin;
      best = std::move(candidate);
    }
  }
  return best;
}

}  // namespace expertlab::debate
