// regret_vs_horizon: regret R against the horizon T for fixed n and memory
// S, per learner, on a planted instance with a fixed gap (or delta*(S, T)
// when c > 0), or on the random-order decoy sequence.
//
// Theory (log-log slopes in T): 1/2 for the SWXZ22 random-order pool and
// for PR23-style (here: the PR23-inspired multiscale_pool), 2/3 for the
// single-scale baseline pool (per-epoch Hedge restarts with B ~ T^{2/3}),
// 1 for the random subset without i*, 1/2 for Hedge (its fixed-eta
// mean-regret on a gap instance is ~ ln n / eta ~ sqrt(T ln n / 8)).
//
// The learner gets memory=S if it has that parameter; swxz_mw without an
// explicit alpha gets alpha = 1/2 - delta (planted instances only).
//
// Metrics at log-spaced checkpoints t (per_octave per doubling) and at T:
//   mean_regret, regret, pseudo_regret
//   hedge_bound       sqrt(t ln n / 2)
//   lower_bound       sqrt(n t / S)
//   single_scale      t^{2/3} (n / m)^{1/3}, m = 3S/4 (baseline_pool's split)
//   memory_words
#include <cmath>
#include <string>

#include "algorithms/experts/game.h"
#include "algorithms/experts/specs.h"
#include "experiments/experts_keys.h"
#include "sim/experiment.h"
#include "theory/experts_bounds.h"
#include "theory/memory_bounds.h"

namespace expertlab::experiments {
namespace {

using experts::ExpertsLearner;
using experts::LossSequence;

enum Stream : uint64_t { kLearnerStream = 1, kSequenceStream = 2 };

class RegretVsHorizon final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        SpecParam<ExpertsLearner>("learner", "multiscale_pool",
                                  "learner spec; memory=S is set by the cell"),
        SpecParam<LossSequence>("instance", "planted_bernoulli(delta=0.1)", "loss sequence spec"),
        ExpertsCountKey(256),
        MemoryKey(32),
        HorizonKey(65536),
        ParamSpec::Double("c", 0.0, Bounds::AtLeast(0),
                          "if > 0: the instance's delta := c sqrt(n/(S T))"),
        PerOctaveKey(1),
    };
  }

  void CheckCell(const Params& params) const override {
    CheckMemoryCell("regret_vs_horizon", params);
  }

  void RunCell(const Params& params, CellContext& context) const override {
    const int n = static_cast<int>(params.Int("n"));
    const int64_t horizon = params.Int("T");
    const int64_t memory = params.Int("memory");
    const double nd = n, sd = static_cast<double>(memory);
    std::string instance = params.String("instance");
    if (params.Double("c") > 0) {
      const double delta =
          theory::DeltaStar(params.Double("c"), nd, static_cast<double>(horizon), sd);
      EXPERTLAB_CHECK(experts::SpecHasParam<LossSequence>(instance, "delta"))
          << "regret_vs_horizon: c > 0 needs an instance with a delta";
      instance = experts::SpecWith(instance, "delta", experts::SpecNumber(delta));
    }
    std::string spec = LearnerWithMemory(params.String("learner"), memory);
    const std::string delta_text = experts::SpecArg(instance, "delta");
    if (experts::SpecHasParam<ExpertsLearner>(spec, "alpha") &&
        experts::SpecArg(spec, "alpha").empty() && !delta_text.empty() &&
        instance.rfind("planted_bernoulli", 0) == 0)
      spec = experts::SpecWith(spec, "alpha", experts::SpecNumber(0.5 - std::stod(delta_text)));
    const auto learner = Registry<ExpertsLearner>::Instance().Create(spec);
    const auto sequence = Registry<LossSequence>::Instance().Create(instance);
    const auto result =
        experts::PlayGame(*learner, *sequence, n, horizon,
                          LogCheckpoints(horizon, static_cast<int>(params.Int("per_octave"))),
                          context.Stream(kLearnerStream), context.Stream(kSequenceStream));
    for (const auto& point : result.points) {
      const double t = static_cast<double>(point.day);
      context.Record("mean_regret", point.day, point.mean_regret);
      context.Record("regret", point.day, point.regret);
      context.Record("pseudo_regret", point.day, point.pseudo_regret);
      context.Record("hedge_bound", point.day, theory::HedgeOptimalRegret(n, point.day));
      context.Record("lower_bound", point.day, theory::SwxzLowerBound(nd, t, sd));
      context.Record("single_scale", point.day, theory::SingleScalePoolRegret(nd, t, 0.75 * sd));
      context.Record("memory_words", point.day, static_cast<double>(point.peak_memory_words));
    }
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RegretVsHorizon, "regret_vs_horizon",
                              "regret vs T for fixed n and memory S (slopes "
                              "1/2 vs 2/3 vs 1)")

}  // namespace expertlab::experiments
