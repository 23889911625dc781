#include "algorithms/debate/judge.h"

#include <cmath>

#include "sim/check.h"

namespace expertlab::debate {

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

double Judge::Score(const Transcript& transcript, Side side) const {
  double score = 0.0;
  for (const Quote& quote : transcript.quotes[side])
    score += quote.strength * (quote.verified ? 1.0 : credulity) *
             (quote.refuted ? 1.0 - refutation : 1.0);
  return score;
}

double Judge::Margin(const Transcript& transcript, Side side, bool lone) const {
  const double own = Score(transcript, side) * (lone ? 1.0 - scepticism : 1.0);
  return (own - Score(transcript, Other(side))) / tau;
}

double Judge::Pick(const Transcript& transcript, Side side, bool lone) const {
  const double prior = std::log(Naive() / (1.0 - Naive()));
  return Sigmoid(Margin(transcript, side, lone) + (side == kTruth ? prior : -prior));
}

void CheckJudge(const Judge& judge) {
  EXPERTLAB_CHECK(judge.tau > 0.0 && std::isfinite(judge.tau))
      << "tau = " << judge.tau << ": expected a finite value > 0";
  for (const auto& [value, key] : {std::pair{judge.credulity, "credulity"},
                                   std::pair{judge.refutation, "refutation"},
                                   std::pair{judge.scepticism, "scepticism"}})
    EXPERTLAB_CHECK(value >= 0.0 && value <= 1.0)
        << key << " = " << value << ": expected a value in [0, 1]";
  EXPERTLAB_CHECK(judge.naive_edge >= 0.0 && judge.naive_edge < 0.5)
      << "naive_edge = " << judge.naive_edge << ": expected a value in [0, 0.5)";
}

const std::vector<std::string>& JudgePresets() {
  static const std::vector<std::string> names = {"bayes", "strong", "medium", "weak",
                                                 "credulous"};
  return names;
}

Judge MakeJudge(const std::string& name, double naive_edge) {
  Judge judge;
  if (name == "strong") {
    judge = {0.5, 0.0, 0.8, 0.5};
  } else if (name == "medium") {
    judge = {1.0, 0.1, 0.6, 0.5};
  } else if (name == "weak") {
    judge = {1.5, 0.2, 0.5, 0.5};
  } else if (name == "credulous") {
    judge = {1.0, 1.0, 0.5, 0.5};
  } else {
    EXPERTLAB_CHECK(name == "bayes") << "judge = '" << name
                                     << "': expected bayes, strong, medium, weak or credulous";
  }
  judge.naive_edge = naive_edge;
  CheckJudge(judge);
  return judge;
}

}  // namespace expertlab::debate
