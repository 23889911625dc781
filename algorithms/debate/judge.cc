#include "algorithms/debate/judge.h"

#include <algorithm>
#include <cmath>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::debate {

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

namespace {

// S_X with each quote's strength multiplied by exp(noise * z), z drawn from
// `rng` in quote order (no draw when rng is null).
double NoisyScore(const Judge& judge, const Transcript& transcript, Side side, Rng* rng) {
  double score = 0.0;
  for (const Quote& quote : transcript.quotes[side]) {
    const double strength =
        rng == nullptr ? quote.strength : quote.strength * std::exp(judge.noise * Normal(*rng));
    score += strength * (quote.verified ? 1.0 : judge.credulity) *
             (quote.refuted ? 1.0 - judge.refutation : 1.0) +
             judge.verbosity;
  }
  return score;
}

double NoisyMargin(const Judge& judge, const Transcript& transcript, Side side, bool lone,
                   Rng* rng) {
  const double own = NoisyScore(judge, transcript, side, rng) * (lone ? 1.0 - judge.scepticism : 1.0);
  return (own - NoisyScore(judge, transcript, Other(side), rng)) / judge.tau;
}

double PriorLogit(const Judge& judge, Side side) {
  const double prior = std::log(judge.Naive() / (1.0 - judge.Naive()));
  return side == kTruth ? prior : -prior;
}

}  // namespace

double Judge::Score(const Transcript& transcript, Side side) const {
  return NoisyScore(*this, transcript, side, nullptr);
}

double Judge::Margin(const Transcript& transcript, Side side, bool lone) const {
  return NoisyMargin(*this, transcript, side, lone, nullptr);
}

double Judge::Pick(const Transcript& transcript, Side side, bool lone) const {
  return Sigmoid(Margin(transcript, side, lone) + PriorLogit(*this, side));
}

double Judge::Verdict(const Transcript& transcript, Side side, bool lone, Rng& rng) const {
  if (noise == 0.0 && position_bias == 0.0 && votes == 1) return Pick(transcript, side, lone);
  std::vector<double> judgements;
  for (int64_t v = 0; v < votes; ++v) {
    const double logit =
        NoisyMargin(*this, transcript, side, lone, noise > 0.0 ? &rng : nullptr) +
        PriorLogit(*this, side);
    if (swap) {
      judgements.push_back(0.5 * (Sigmoid(logit + position_bias) + Sigmoid(logit - position_bias)));
    } else {
      const bool first = position_bias == 0.0 || Bernoulli(rng, 0.5);
      judgements.push_back(Sigmoid(logit + (first ? position_bias : -position_bias)));
    }
  }
  return MajorityProbability(judgements);
}

double MajorityProbability(const std::vector<double>& probabilities) {
  // count[j] = P(j of the votes so far are 1).
  std::vector<double> count = {1.0};
  for (double p : probabilities) {
    std::vector<double> next(count.size() + 1, 0.0);
    for (size_t j = 0; j < count.size(); ++j) {
      next[j] += count[j] * (1.0 - p);
      next[j + 1] += count[j] * p;
    }
    count = std::move(next);
  }
  const size_t k = probabilities.size();
  double majority = 0.0;
  for (size_t j = 0; j <= k; ++j)
    majority += 2 * j > k ? count[j] : 2 * j == k ? 0.5 * count[j] : 0.0;
  return std::clamp(majority, 0.0, 1.0);  // rounding can pass 1 by an ulp
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
  for (const auto& [value, key] :
       {std::pair{judge.verbosity, "verbosity"}, std::pair{judge.noise, "noise"}})
    EXPERTLAB_CHECK(value >= 0.0 && std::isfinite(value))
        << key << " = " << value << ": expected a finite value >= 0";
  EXPERTLAB_CHECK(std::isfinite(judge.position_bias))
      << "position_bias = " << judge.position_bias << ": expected a finite value";
  EXPERTLAB_CHECK(judge.votes >= 1 && judge.votes <= 101)
      << "votes = " << judge.votes << ": expected an integer in [1, 101]";
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
