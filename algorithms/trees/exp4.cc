#include "algorithms/trees/exp4.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sim/registry.h"

namespace expertlab::trees {

void MixAdvice(std::span<const double> log_weights, std::span<const int> advised, double gamma,
               std::vector<double>& probability) {
  const double top = *std::max_element(log_weights.begin(), log_weights.end());
  std::fill(probability.begin(), probability.end(), 0.0);
  double total = 0;
  for (size_t j = 0; j < log_weights.size(); ++j) {
    const double w = std::exp(log_weights[j] - top);
    probability[static_cast<size_t>(advised[j])] += w;
    total += w;
  }
  const auto classes = static_cast<double>(probability.size());
  for (double& p : probability) p = (1.0 - gamma) * p / total + gamma / classes;
}

int SampleArm(const std::vector<double>& probability, Rng& rng) {
  double u = rng.Uniform();
  for (size_t a = 0; a < probability.size(); ++a) {
    u -= probability[a];
    if (u < 0) return static_cast<int>(a);
  }
  return static_cast<int>(probability.size()) - 1;
}

double Exp4Gamma(std::optional<double> fixed, int classes, double predictors, int64_t horizon) {
  const double automatic = std::sqrt(classes * std::log(predictors) /
                                     ((std::numbers::e - 1.0) * static_cast<double>(horizon)));
  return std::clamp(fixed.value_or(automatic), 1e-12, 1.0);
}

void Exp4::Start(const Problem& problem, Rng rng) {
  classes_ = problem.classes;
  gamma_ = Exp4Gamma(fixed_gamma_, classes_, problem.experts, problem.horizon);
  log_weights_.assign(static_cast<size_t>(problem.experts), 0.0);
  probability_.assign(static_cast<size_t>(classes_), 0.0);
  rng_ = rng;
}

int Exp4::Choose(const RoundView& round) {
  MixAdvice(log_weights_, round.advice, gamma_, probability_);
  return SampleArm(probability_, rng_);
}

void Exp4::Observe(const RoundView& round, int arm, double reward) {
  const double gain = gamma_ * reward / (probability_[static_cast<size_t>(arm)] * classes_);
  for (size_t i = 0; i < log_weights_.size(); ++i)
    if (round.advice[i] == arm) log_weights_[i] += gain;
}

EXPERTLAB_REGISTER(AdviceLearner, Exp4, "exp4",
                   "EXP4: exponential weights over the experts' advice, context-blind (Auer et al. "
                   "2002)",
                   {ParamSpec::AutoDouble("gamma", Bounds::Closed(1e-9, 1.0),
                                          "exploration rate (auto: sqrt(K ln N / ((e-1) T)))")});

}  // namespace expertlab::trees
