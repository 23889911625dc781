// leader_trap: leader-selection pool against the "keep iff the algorithm
// did not beat it" baseline pool on the leader-trap sequence, regret
// against T.
//
// Prediction (our construction, see algorithms/experts/leader_trap.h):
// keeping the epoch's top-k swaps i* for decoys that are about to lose every
// day, so regret is linear, ~ (1/2 + delta) T (slope 1); the baseline pool
// pays ~ sqrt(W ln k) per window of W days, ~ T / sqrt(W), which with the
// window W = ceil(T^{2/3}) used here grows like T^{2/3} (sub-linear).
// PZ23 (Peng & Zhang, SODA 2023) motivate their pool selection by leader
// selection's failure; this sequence and both rules are our reconstruction.
//
// The window W = ceil(window_scale * T^{2/3}) is the instance's window and
// the epoch of every learner with an `epoch` parameter.
//
// Data keys: n, T, delta, window_scale (they define the sequence; the
// learner and its memory do not).
//
// Metrics at log-spaced checkpoints and T: the standard rows of
// experts_cell.h (mean_regret against i* with planted mean 1/2 - delta),
// and
//   avg_regret      mean_regret / t
//   linear          (1/2 + delta) t   (the trapped prediction)
//   window          W
// and at T the predicted slope in T (theory.slope, theory.fit = 1): 1 for
// leader selection (baseline_pool rule=leader), 2/3 for the baseline pool
// (rule=beat); none for other learners.
#include <algorithm>
#include <cmath>
#include <string>

#include "experiments/experts_cell.h"
#include "experiments/experts_keys.h"
#include "sim/experiment.h"

namespace expertlab::experiments {
namespace {

class LeaderTrapStudy final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        LearnerKey("baseline_pool", "learner spec; memory and epoch set by the cell"),
        ExpertsCountKey(256),
        MemoryKey(32),
        HorizonKey(65536),
        ParamSpec::Double("delta", 0.1, Bounds::Open(0.0, 0.5), "advantage of i*"),
        ParamSpec::Double("window_scale", 1.0, Bounds::Positive(),
                          "W = ceil(window_scale * T^(2/3))"),
        PerOctaveKey(1),
    };
  }
  std::vector<std::string> DataKeys() const override { return {"n", "T", "delta", "window_scale"}; }

  void CheckCell(const Params& params) const override { CheckMemoryCell("leader_trap", params); }

  void RunCell(const Params& params, CellContext& context) const override {
    const int64_t horizon = params.Int("T");
    const double delta = params.Double("delta");
    const int64_t window = std::max<int64_t>(
        1, static_cast<int64_t>(std::ceil(params.Double("window_scale") *
                                          std::pow(static_cast<double>(horizon), 2.0 / 3.0))));
    const std::string instance =
        "leader_trap(window=" + std::to_string(window) + ", delta=" + SpecNumber(delta) + ")";
    const PlayedGame played =
        ExpertsGame(params.String("learner"), instance, static_cast<int>(params.Int("n")), horizon)
            .Memory(params.Int("memory"))
            .LearnerSets("epoch", std::to_string(window))
            .Checkpoints(LogCheckpoints(horizon, static_cast<int>(params.Int("per_octave"))))
            .Play(context);
    for (const auto& point : played.result.points) {
      const double t = static_cast<double>(point.day);
      context.Record("avg_regret", point.day, point.mean_regret / t);
      context.Record("linear", point.day, (0.5 + delta) * t);
      context.Record("window", point.day, static_cast<double>(window));
    }
    if (SpecName(played.learner_spec) == "baseline_pool") {
      const bool leader =
          SpecParams<experts::ExpertsLearner>(played.learner_spec).String("rule") == "leader";
      RecordSlopePrediction(context, horizon, leader ? 1.0 : 2.0 / 3.0, true);
    }
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(LeaderTrapStudy, "leader_trap",
                              "leader-selection vs baseline pool on the leader "
                              "trap: linear vs sub-linear regret")

}  // namespace expertlab::experiments
