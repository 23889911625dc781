#include "experiments/trees_cell.h"

#include "algorithms/trees/dataset.h"
#include "algorithms/trees/environment.h"
#include "algorithms/trees/learner.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/spec.h"
#include "theory/trees_reward.h"

namespace expertlab::experiments {

using trees::AdviceLearner;

namespace {

enum TreesStream : uint64_t { kTreesLearnerStream = 1, kTreesBanditStream = 2 };

}  // namespace

std::vector<ParamSpec> TreesKeys(const TreesDefaults& defaults) {
  return {
      SpecParam<AdviceLearner>("learner", defaults.learner, "advice learner spec"),
      ParamSpec::Text("dataset", "synthetic",
                      "synthetic, or a prepared file <data dir>/<name>.csv (iris, wine, "
                      "breast_cancer, letter, shuttle, satellite, vehicle, vowel)"),
      ParamSpec::Int("N", 4, Bounds::Closed(1, 1024), "number of experts"),
      ParamSpec::Int("R", defaults.regions, Bounds::Closed(1, 4096),
                     "expertise regions (a perfect square: a sqrt(R) x sqrt(R) grid)"),
      ParamSpec::Int("g", defaults.dims, Bounds::Closed(1, 4096),
                     "context columns the learner sees (the first 2 define the regions)"),
      ParamSpec::Int("width", 64, Bounds::Closed(2, 4096),
                     "minimum context width (noise columns pad the data set's)"),
      ParamSpec::Int("T", defaults.horizon, Bounds::Closed(1, 10'000'000), "rounds"),
  };
}

std::vector<std::string> TreesDataKeys() { return {"dataset", "N", "R", "width", "T"}; }

void CheckTreesCell(const Params& params) {
  trees::GridSide(params.Int("R"));
  EXPERTLAB_CHECK(params.Int("g") <= params.Int("width"))
      << "g = " << params.Int("g") << " exceeds the context width = " << params.Int("width")
      << " (raise width or lower g)";
}

void RunTreesCell(const Params& params, CellContext& context, const TreesDefaults& defaults) {
  const int64_t horizon = params.Int("T");
  Rng data = context.DataStream(kTreesBanditStream);
  const trees::Dataset dataset = trees::MakeDataset(params.String("dataset"), data);
  const trees::AdviceSetting setting{.regions = static_cast<int>(params.Int("R")),
                                     .experts = static_cast<int>(params.Int("N")),
                                     .horizon = horizon,
                                     .width = static_cast<int>(params.Int("width"))};
  const trees::AdviceBandit bandit(dataset, setting, data);
  const auto learner = Registry<AdviceLearner>::Instance().Create(params.String("learner"));
  const std::vector<int64_t> steps = defaults.per_octave > 0
                                         ? LogCheckpoints(horizon, defaults.per_octave)
                                         : std::vector<int64_t>{horizon};
  const trees::PlayResult result =
      trees::PlayBandit(*learner, bandit, static_cast<int>(params.Int("g")),
                        context.Stream(kTreesLearnerStream), steps);
  for (size_t k = 0; k < result.steps.size(); ++k)
    context.Record("reward", result.steps[k], result.reward[k]);
  context.Record("average_reward", horizon, result.reward.back() / static_cast<double>(horizon));
  context.Record("classes", horizon, bandit.classes());
  context.Record("theory.bayes_reward", horizon,
                 theory::RegionBayesReward(setting.experts, bandit.classes()));
  if (defaults.timed) context.Record("seconds", horizon, result.seconds);
}

}  // namespace expertlab::experiments
