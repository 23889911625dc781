#include "algorithms/trees/specialists.h"

#include <algorithm>
#include <cmath>

#include "algorithms/trees/exp4.h"
#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::trees {
namespace {

// log sum_j exp(v_j) over the awake specialists.
double AwakeLogSumExp(const std::vector<double>& log_weights, const std::vector<size_t>& awake) {
  double top = -INFINITY;
  for (size_t s : awake) top = std::max(top, log_weights[s]);
  double sum = 0;
  for (size_t s : awake) sum += std::exp(log_weights[s] - top);
  return top + std::log(sum);
}

}  // namespace

Specialists::Specialists(const Params& params)
    : bins_(static_cast<int>(params.Int("bins"))), fixed_gamma_(params.AutoDouble("gamma")) {
  EXPERTLAB_CHECK(10 % bins_ == 0)
      << "specialists: bins = " << bins_ << " must divide the 10 deciles (1, 2, 5 or 10)";
}

void Specialists::Start(const Problem& problem, Rng rng) {
  problem_ = problem;
  const double count = static_cast<double>(problem.experts) * problem.dims * bins_;
  gamma_ = Exp4Gamma(fixed_gamma_, problem.classes, count, problem.horizon);
  log_weights_.assign(static_cast<size_t>(count), 0.0);
  probability_.assign(static_cast<size_t>(problem.classes), 0.0);
  rng_ = rng;
}

int Specialists::Choose(const RoundView& round) {
  awake_.clear();
  awake_log_weights_.clear();
  awake_advice_.clear();
  const auto experts = static_cast<size_t>(problem_.experts);
  for (int f = 0; f < problem_.dims; ++f) {
    const DecileGrid& grid = problem_.grid[static_cast<size_t>(f)];
    const auto decile =
        std::upper_bound(grid.begin() + 1, grid.end() - 1, round.context[static_cast<size_t>(f)]) -
        (grid.begin() + 1);
    const auto bin = static_cast<size_t>(decile * bins_ / 10);
    const size_t first = (static_cast<size_t>(f) * static_cast<size_t>(bins_) + bin) * experts;
    for (size_t e = 0; e < experts; ++e) {
      awake_.push_back(first + e);
      awake_log_weights_.push_back(log_weights_[first + e]);
      awake_advice_.push_back(round.advice[e]);
    }
  }
  MixAdvice(awake_log_weights_, awake_advice_, gamma_, probability_);
  return SampleArm(probability_, rng_);
}

void Specialists::Observe(const RoundView& /*round*/, int arm, double reward) {
  const double before = AwakeLogSumExp(log_weights_, awake_);
  const double gain = gamma_ * reward / (probability_[static_cast<size_t>(arm)] * problem_.classes);
  for (size_t j = 0; j < awake_.size(); ++j)
    if (awake_advice_[j] == arm) log_weights_[awake_[j]] += gain;
  const double shift = AwakeLogSumExp(log_weights_, awake_) - before;
  for (size_t s : awake_) log_weights_[s] -= shift;
}

EXPERTLAB_REGISTER(AdviceLearner, Specialists, "specialists",
                   "sleeping experts: one specialist per (expert, column, decile bin), EXP4 "
                   "estimates (Freund et al. STOC 1997)",
                   {ParamSpec::Int("bins", 5, Bounds::Closed(1, 10), "bins per visible column"),
                    ParamSpec::AutoDouble("gamma", Bounds::Closed(1e-9, 1.0),
                                          "exploration rate (auto: EXP4's with N g bins "
                                          "specialists)")});

}  // namespace expertlab::trees
