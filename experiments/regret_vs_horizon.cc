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
// explicit alpha gets the instance's comparator rate (1/2 - delta on the
// planted instances).
//
// Data keys: instance, n, T, and memory and c, which set the instance's
// delta when c > 0 (with c = 0 they only split the data by S).
//
// Metrics at log-spaced checkpoints t (per_octave per doubling) and at T:
// the standard rows of experts_cell.h, and
//   hedge_bound       sqrt(t ln n / 2)
//   lower_bound       sqrt(n t / S)
//   single_scale      t^{2/3} (n / m)^{1/3}: the single-scale pool's
//                     heuristic (baseline_pool.h), for learners that report
//                     an epoch length and m candidate slots (param.epoch,
//                     param.candidates)
// and at T the predicted slope in T (theory.slope, see PredictedSlope) and
// whether T is past the learner's search phase (theory.fit): a learner that
// holds S_eff = min(S, n) of the n experts needs about (n / S_eff) ln n /
// delta^2 days to single out i* at gap delta; horizons below 4 times that
// are its search phase (all horizons fit when the instance reports no
// delta).
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "experiments/experts_cell.h"
#include "experiments/experts_keys.h"
#include "sim/experiment.h"
#include "theory/experts_bounds.h"
#include "theory/memory_bounds.h"

namespace expertlab::experiments {
namespace {

using experts::ExpertsLearner;
using experts::LossSequence;

// The slope of log R_T on log T that theory predicts for the learner, or
// none (e.g. Hedge with a decreasing eta, the leader-selection pool).
std::optional<double> PredictedSlope(const std::string& spec) {
  const std::string name = SpecName(spec);
  const Params params = SpecParams<ExpertsLearner>(spec);
  // SWXZ22's random-order pool and PR23-style pools (here the PR23-inspired
  // multiscale pool): sqrt(T) once i* is found.
  if (name == "swxz_mw" || name == "multiscale_pool") return 0.5;
  // Hedge with fixed eta ~ sqrt(8 ln n / T): mean-regret ~ ln n / eta.
  if (name == "hedge" && params.String("schedule") == "fixed") return 0.5;
  // Single-scale pool: per-epoch Hedge restarts with B ~ T^{2/3}
  // (baseline_pool.h, theory::SingleScalePoolRegret).
  if (name == "baseline_pool" && params.String("rule") == "beat") return 2.0 / 3.0;
  // Misses i* with probability 1 - S/n: regret ~ (1 - S/n) delta T.
  if (name == "random_subset") return 1.0;
  return std::nullopt;
}

class RegretVsHorizon final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        LearnerKey("multiscale_pool", "learner spec; memory=S is set by the cell"),
        InstanceKey("instance", "planted_bernoulli(delta=0.1)", "loss sequence spec"),
        ExpertsCountKey(256),
        MemoryKey(32),
        HorizonKey(65536),
        ParamSpec::Double("c", 0.0, Bounds::AtLeast(0),
                          "if > 0: the instance's delta := c sqrt(n/(S T))"),
        PerOctaveKey(1),
    };
  }
  std::vector<std::string> DataKeys() const override {
    return {"instance", "n", "T", "memory", "c"};
  }

  void CheckCell(const Params& params) const override {
    EXPERTLAB_CHECK(params.Double("c") == 0 ||
                    SpecHasParam<LossSequence>(params.String("instance"), "delta"))
        << "regret_vs_horizon: c > 0 needs an instance with a delta, got "
        << params.String("instance");
    CheckMemoryCell("regret_vs_horizon", params);
  }

  void RunCell(const Params& params, CellContext& context) const override {
    const int n = static_cast<int>(params.Int("n"));
    const int64_t horizon = params.Int("T");
    const int64_t memory = params.Int("memory");
    const double nd = n, sd = static_cast<double>(memory);
    std::string instance = params.String("instance");
    if (params.Double("c") > 0)
      instance = SpecWith(
          instance, "delta",
          SpecNumber(theory::DeltaStar(params.Double("c"), nd, static_cast<double>(horizon), sd)));
    const PlayedGame played =
        ExpertsGame(params.String("learner"), instance, n, horizon)
            .Memory(memory)
            .KnownComparatorRate()
            .Checkpoints(LogCheckpoints(horizon, static_cast<int>(params.Int("per_octave"))))
            .Play(context);
    const auto candidates = played.LearnerParam("candidates");
    const bool single_scale = candidates && played.LearnerParam("epoch");
    for (const auto& point : played.result.points) {
      const double t = static_cast<double>(point.day);
      context.Record("hedge_bound", point.day, theory::HedgeOptimalRegret(n, point.day));
      context.Record("lower_bound", point.day, theory::SwxzLowerBound(nd, t, sd));
      if (single_scale)
        context.Record("single_scale", point.day,
                       theory::SingleScalePoolRegret(nd, t, *candidates));
    }
    if (const auto slope = PredictedSlope(played.learner_spec)) {
      const auto delta = played.SequenceParam("delta");
      const double held = static_cast<double>(std::min<int64_t>(played.memory_budget, n));
      const double search = delta ? (nd / held) * std::log(nd) / (*delta * *delta) : 0.0;
      RecordSlopePrediction(context, horizon, *slope, static_cast<double>(horizon) >= 4 * search);
    }
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RegretVsHorizon, "regret_vs_horizon",
                              "regret vs T for fixed n and memory S (slopes "
                              "1/2 vs 2/3 vs 1)")

}  // namespace expertlab::experiments
