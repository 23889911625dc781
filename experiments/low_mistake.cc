// low_mistake: regret R against memory S when the best expert errs only M
// times (arbitrary order, mistakes in bursts), all other experts fair
// coins, for two horizons T.
//
// Theory: SWXZ22's arbitrary-order low-mistake pool has R = O~(n/S),
// slope -1 in S and flat in T (valid for M < delta^2 T / (1280 log2^2 n),
// delta > sqrt(128 log2^2 n / T): on laptop-sized grids only M ~ 0
// qualifies with the paper's constants, so M is small here and the
// `swxz_valid` metric says which cells are inside the stated range).
// WZZ23's deterministic pool cycling: R ~ n M / S (slope -1).
//
// Data keys: n, T, mistakes, placement. The sequence does not depend on S,
// so every learner and every memory size of a replicate meets the same
// losses.
//
// Metrics (at t = T): the standard rows of experts_cell.h (mean_regret is
// against i*, the same comparator as regret here), and
//   swxz_predict     n / S              (SWXZ22, constants dropped)
//   cycling_predict  n (M + 1) / S      (WZZ23-style, +1: the first sweep)
//   swxz_valid       1 if the cell satisfies SWXZ22's conditions at the
//                    delta the learner runs with (its param.delta; only
//                    for learners that report one)
//   log_predict      n (M + 1) log2(S) / (2 S): the follow-one-member pools
//                    pay ~ log2(S)/2 per sweep of a block (half the alive
//                    members err each day), a log factor the O~ hides
//   theory.slope     -1 in S for the SWXZ22 low-mistake pool (rule swxz) and
//                    pool cycling; theory.fit = 1 where n/S >= 4 max(M, 1)
//                    (below, the pool's regret is a floor of ~M re-searches)
#include <algorithm>
#include <cmath>
#include <string>

#include "experiments/experts_cell.h"
#include "experiments/experts_keys.h"
#include "sim/experiment.h"
#include "theory/memory_bounds.h"

namespace expertlab::experiments {
namespace {

class LowMistakeStudy final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        LearnerKey("swxz_low_mistake", "learner spec; memory=S is set by the cell"),
        ExpertsCountKey(1024),
        MemoryKey(64),
        HorizonKey(65536),
        ParamSpec::Int("mistakes", 4, Bounds::Closed(0, int64_t{1} << 32),
                       "mistakes M of the best expert (<= T)"),
        ParamSpec::Choice("placement", "bursts", {"bursts", "spread"}, "where the M mistakes go"),
    };
  }
  std::vector<std::string> DataKeys() const override { return {"n", "T", "mistakes", "placement"}; }

  void CheckCell(const Params& params) const override {
    EXPERTLAB_CHECK(params.Int("mistakes") <= params.Int("T"))
        << "low_mistake: mistakes M = " << params.Int("mistakes")
        << " exceeds T = " << params.Int("T");
    CheckMemoryCell("low_mistake", params);
  }

  void RunCell(const Params& params, CellContext& context) const override {
    const int n = static_cast<int>(params.Int("n"));
    const int64_t horizon = params.Int("T");
    const int64_t memory = params.Int("memory");
    const int64_t mistakes = params.Int("mistakes");
    const std::string instance = "low_mistake(mistakes=" + std::to_string(mistakes) +
                                 ", placement=" + params.String("placement") + ")";
    const PlayedGame played =
        ExpertsGame(params.String("learner"), instance, n, horizon).Memory(memory).Play(context);
    const double nd = n, sd = static_cast<double>(memory), td = static_cast<double>(horizon);
    context.Record("swxz_predict", horizon, theory::LowMistakeRegret(nd, sd));
    context.Record("cycling_predict", horizon,
                   theory::PoolCyclingRegret(nd, static_cast<double>(mistakes) + 1, sd));
    context.Record("log_predict", horizon,
                   nd * (static_cast<double>(mistakes) + 1) * std::log2(sd) / (2 * sd));
    const std::string learner = SpecName(played.learner_spec);
    if ((learner == "swxz_low_mistake" &&
         SpecParams<experts::ExpertsLearner>(played.learner_spec).String("rule") == "swxz") ||
        learner == "pool_cycling")
      RecordSlopePrediction(context, horizon, -1.0,
                            nd / sd >= 4 * std::max<double>(static_cast<double>(mistakes), 1));
    if (const auto delta = played.LearnerParam("delta"))
      context.Record(
          "swxz_valid", horizon,
          theory::SwxzLowMistakeValid(nd, td, *delta, static_cast<double>(mistakes)) ? 1.0 : 0.0);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(LowMistakeStudy, "low_mistake",
                              "regret vs S when the best expert errs M times "
                              "(SWXZ22 low-mistake regime, WZZ23 cycling)")

}  // namespace expertlab::experiments
