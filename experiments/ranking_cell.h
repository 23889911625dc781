// One active-ranking run per cell, shared by the ranking experiments: draw a
// stacked-gaps instance (algorithms/ranking/instance.h), run the cell's
// policy on it at confidence delta through a budgeted Querier, record the
// standard rows. Experiments add only the rows of their own study.
//
// Grid keys (RankingKeys): policy (spec), goal (ranking | best), n, d,
// support (single: s = 1, sqrt: s = round(sqrt d), dense: s = d), h, delta,
// noise (gaussian | rademacher), budget (queries; a run that would exceed it
// stops and is recorded as not stopped).
//
// Random streams (common random numbers): the instance and its noise key
// come from CellContext::DataStream, keyed by the data keys (n, d, support,
// h, noise) and the replicate, so every policy, goal and delta of one
// replicate meets the same matrix M and the same m-th sample of every
// (expert, task) pair (environment.h); the policy's own draws (task
// choices, insertion order) come from the cell's stream.
//
// Standard rows (step 0):
//   queries              queries made (the budget if it ran out)
//   stopped              1 if the policy answered within the budget
//   correct              1 if it answered and the answer is right
//   error                1 if it answered wrongly (so error <= 1 - correct)
//   s                    the support size used
//   theory.complexity    the goal's complexity: sum of adjacent H (ranking)
//                        or sum over i != i* of H_{i*, i} (best)
//   theory.uniform       round-robin cost n max 1/mean(Delta)^2 over the
//                        pairs the goal separates
//   queries_over_complexity  queries / theory.complexity
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/experiment.h"
#include "sim/params.h"

namespace expertlab::experiments {

struct RankingDefaults {
  std::string policy = "active_ranking";
  std::string goal = "ranking";
  int64_t n = 5;
  int64_t d = 100;
  std::string support = "single";
  double h = 0.5;
  double delta = 0.05;
};

std::vector<ParamSpec> RankingKeys(const RankingDefaults& defaults);
std::vector<std::string> RankingDataKeys();
// The policy solves the goal (error naming "goal" otherwise).
void CheckRankingCell(const Params& params);
// s for (support, d).
int SupportSize(const std::string& support, int d);

struct RankingOutcome {
  double queries = 0;
  bool stopped = false;
  bool correct = false;
  double complexity = 0;
  double uniform = 0;
};

RankingOutcome RunRankingCell(const Params& params, CellContext& context);

// theory.slope = `slope` and theory.fit = 1 if the run stopped (it enters
// the fit), at step 0.
void RecordSlopeRows(CellContext& context, double slope, const RankingOutcome& outcome);

// A ranking experiment: the keys above with the study's defaults, the data
// keys, the cell check, the standard run, then the study's own rows.
class RankingStudy : public Experiment {
 public:
  explicit RankingStudy(RankingDefaults defaults) : defaults_(std::move(defaults)) {}
  std::vector<ParamSpec> Parameters() const override { return RankingKeys(defaults_); }
  std::vector<std::string> DataKeys() const override { return RankingDataKeys(); }
  void CheckCell(const Params& params) const override { CheckRankingCell(params); }
  void RunCell(const Params& params, CellContext& context) const override {
    RecordTheory(params, RunRankingCell(params, context), context);
  }

 protected:
  // The study's theory rows (none by default).
  virtual void RecordTheory(const Params& /*params*/, const RankingOutcome& /*outcome*/,
                            CellContext& /*context*/) const {}

 private:
  RankingDefaults defaults_;
};

}  // namespace expertlab::experiments
