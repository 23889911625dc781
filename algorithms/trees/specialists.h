// Specialists on a fixed grid: sleeping experts (Freund, Schapire, Singer &
// Warmuth, "Using and combining predictors that specialize", STOC 1997,
// Section 3) with EXP4's bandit estimates (exp4.h). There is one specialist
// per (expert, visible column f, bin b): it is awake when x_f falls in bin b
// of the column's decile grid (bins of 10 / bins deciles each), and then
// repeats its expert's advice. Each round the awake specialists' weights
// mix their advice as EXP4 mixes experts'; after the importance-weighted
// gain update the awake weights are rescaled to their total before it, so
// sleeping specialists neither gain nor lose (the specialists' update).
// A fixed, axis-wise partition: it can represent which expert to trust in
// a strip of one column, not in a cell of two.
//
// With one bin and g = 1 it is EXP4 over the experts.
//
// Parameters
//   bins   int in {1, 2, 5, 10}  5     bins per visible column
//   gamma  double in (0, 1] or auto  auto  exploration (auto: EXP4's, with M = N g bins)
#pragma once

#include <optional>
#include <vector>

#include "algorithms/trees/learner.h"
#include "sim/params.h"

namespace expertlab::trees {

class Specialists final : public AdviceLearner {
 public:
  explicit Specialists(const Params& params);
  void Start(const Problem& problem, Rng rng) override;
  int Choose(const RoundView& round) override;
  void Observe(const RoundView& round, int arm, double reward) override;

 private:
  int bins_;
  std::optional<double> fixed_gamma_;
  double gamma_ = 0;
  Problem problem_;
  std::vector<double> log_weights_;  // (column, bin, expert), expert fastest
  std::vector<size_t> awake_;        // this round's awake specialists
  std::vector<double> awake_log_weights_, probability_;
  std::vector<int> awake_advice_;
  Rng rng_{0, 0, 0, 0};
};

}  // namespace expertlab::trees
