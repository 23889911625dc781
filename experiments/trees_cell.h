// One bandit-with-advice run per cell, shared by the expertise-trees
// experiments: build the data set and the AdviceBandit
// (algorithms/trees/environment.h), run the cell's learner through
// PlayBandit and record the standard rows. Experiments differ in their
// defaults, where they record curves and whether they time.
//
// Grid keys (TreesKeys): learner (spec), dataset (synthetic or a file
// <data dir>/<name>.csv, algorithms/trees/dataset.h), N (experts), R
// (regions, a perfect square), g (visible context columns, at most width),
// width (minimum context width), T (rounds).
//
// Random streams (common random numbers): the data set (when synthetic),
// the expertise map and every round come from CellContext::DataStream,
// keyed by the data keys (dataset, N, R, width, T) and the replicate, so
// every learner and every g of one replicate meets the same rounds; the
// learner's own draws (tie-breaking, EXP4's sampling) come from the cell's
// stream.
//
// Rows:
//   reward               cumulative reward at each checkpoint step
//   average_reward       reward / T (step T)
//   classes              K of the data set (step T)
//   theory.bayes_reward  RegionBayesReward(N, K) (theory/trees_reward.h),
//                        the ceiling of every learner's expected reward
//   seconds              (timed studies) thread CPU time of the run
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/experiment.h"
#include "sim/params.h"

namespace expertlab::experiments {

struct TreesDefaults {
  std::string learner = "meta_cmab";
  int64_t regions = 1;
  int64_t dims = 2;
  int64_t horizon = 1000;
  int per_octave = 0;  // checkpoints per doubling of t (0: only T)
  bool timed = false;
};

std::vector<ParamSpec> TreesKeys(const TreesDefaults& defaults);
std::vector<std::string> TreesDataKeys();
// R a perfect square and g <= width (errors naming the key).
void CheckTreesCell(const Params& params);
void RunTreesCell(const Params& params, CellContext& context, const TreesDefaults& defaults);

class TreesStudy : public Experiment {
 public:
  explicit TreesStudy(TreesDefaults defaults) : defaults_(std::move(defaults)) {}
  std::vector<ParamSpec> Parameters() const override { return TreesKeys(defaults_); }
  std::vector<std::string> DataKeys() const override { return TreesDataKeys(); }
  void CheckCell(const Params& params) const override { CheckTreesCell(params); }
  bool Measured() const override { return defaults_.timed; }
  void RunCell(const Params& params, CellContext& context) const override {
    RunTreesCell(params, context, defaults_);
  }

 private:
  TreesDefaults defaults_;
};

}  // namespace expertlab::experiments
