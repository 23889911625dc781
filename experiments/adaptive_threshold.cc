// adaptive_threshold: average regret R/T against S/sqrt(n) for several n
// against adaptive adversaries: the action-observing kill-on-play
// adversary (reserve and kill window ~ sqrt n) and the white-box pool
// adversary.
//
// Theory: PR23 (adaptive adversary that sees past chosen experts): o(T)
// regret is possible iff S is roughly >= sqrt(n) [verified: abstract];
// upper bound O~(max{sqrt(nT/S), sqrt(n) T/S}) [secondary summary], so
// R/T ~ sqrt(n)/S beyond the threshold (slope -1 in S/sqrt(n)). Against
// the white-box adversary (PZ23-type strong adaptive) any S = o(n) gives
// linear regret. kill_on_play is our probe, not PR23's construction: its
// threshold is set by its kill window W = ceil(sqrt n) (see
// kill_on_play.h), so a collapse of the curves in S/sqrt(n) reflects the
// learners' constants, not the theorem.
//
// The cell's memory is S = max(1, round(ratio * sqrt(n))), capped at n.
//
// Data keys: adversary, n, T. The adversary's own draws (kill_on_play's
// reserve, the white-box adversary's fair coins) come from the data stream
// and are common to every learner and S of a replicate, but its losses
// react to the learner's plays: the loss sequences are NOT shared (the
// `oblivious` row is 0), so learners here are compared unpaired.
//
// Regret notions. avg_regret is external regret on the sequence the
// adversary generated in response to this learner (the best expert in
// hindsight on that sequence): the notion of PR23's adaptive bounds and of
// the white-box argument below. avg_policy_regret compares the learner
// with each fixed expert as if that expert had been played every day, the
// adversary responding to it (policy regret, Arora-Dekel-Tewari 2012). Both
// adversaries here punish whatever is played, so a fixed expert played
// every day loses ~1 a day and every learner's policy regret is <= ~0: the
// adversaries are harmless in that sense, and the memory threshold is a
// statement about external regret only.
//
// Metrics (at t = T): the standard rows of experts_cell.h (with
// policy_regret), and
//   avg_regret     regret / T (realised, against the best in hindsight)
//   avg_policy_regret  policy_regret / T
//   memory         S
//   ratio_actual   S / sqrt(n)
//   pr23_adaptive  min(1, max{sqrt(n/(S T)), sqrt(n)/S}): PR23's bound / T
//   kill_predict   max(0, 1 - k/(W+1)), the rotation model of kill_on_play.h
//                  at k = the learner's active pool (param.active; only
//                  for learners that report one), W = the adversary's
//                  kill window (instance.window), kill_on_play only
#include <algorithm>
#include <cmath>
#include <string>

#include "experiments/experts_cell.h"
#include "experiments/experts_keys.h"
#include "sim/experiment.h"
#include "theory/memory_bounds.h"

namespace expertlab::experiments {
namespace {

class AdaptiveThreshold final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        LearnerKey("robust_pool", "learner spec; memory=S is set by the cell"),
        InstanceKey("adversary", "kill_on_play", "adaptive adversary spec"),
        ExpertsCountKey(1024, 4),
        ParamSpec::Double("ratio", 1.0, Bounds::Positive(), "S / sqrt(n)"),
        HorizonKey(8192),
    };
  }
  std::vector<std::string> DataKeys() const override { return {"adversary", "n", "T"}; }

  // S = ratio * sqrt(n), rounded and clamped to [1, n].
  static int64_t MemoryOf(const Params& params) {
    const int64_t n = params.Int("n");
    return std::clamp<int64_t>(
        std::llround(params.Double("ratio") * std::sqrt(static_cast<double>(n))), 1, n);
  }

  void CheckCell(const Params& params) const override {
    LearnerWithMemory(params.String("learner"), MemoryOf(params));
  }

  void RunCell(const Params& params, CellContext& context) const override {
    const int n = static_cast<int>(params.Int("n"));
    const int64_t horizon = params.Int("T");
    const double root_n = std::sqrt(static_cast<double>(n));
    const int64_t memory = MemoryOf(params);
    const PlayedGame played =
        ExpertsGame(params.String("learner"), params.String("adversary"), n, horizon)
            .Memory(memory)
            .PolicyRegret()
            .Play(context);
    const double td = static_cast<double>(horizon);
    const double sd = static_cast<double>(memory);
    context.Record("avg_regret", horizon, played.end().regret / td);
    if (played.policy_regret)
      context.Record("avg_policy_regret", horizon, *played.policy_regret / td);
    context.Record("memory", horizon, sd);
    context.Record("ratio_actual", horizon, sd / root_n);
    context.Record("pr23_adaptive", horizon,
                   std::min(1.0, theory::Pr23AdaptiveRegret(n, td, sd) / td));
    const auto active = played.LearnerParam("active");
    const auto window = played.SequenceParam("window");
    if (active && window)
      context.Record("kill_predict", horizon, theory::KillOnPlayLossRate(*active, *window));
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(AdaptiveThreshold, "adaptive_threshold",
                              "R/T vs S/sqrt(n) against kill-on-play and "
                              "white-box adaptive adversaries (PR23, PZ23)")

}  // namespace expertlab::experiments
