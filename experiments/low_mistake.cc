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
// Metrics (at t = T):
//   regret           realised: learner's loss - best expert's loss
//   mean_regret      against i* (= regret's comparator here)
//   swxz_predict     n / S              (SWXZ22, constants dropped)
//   cycling_predict  n (M + 1) / S      (WZZ23-style, +1: the first sweep)
//   swxz_valid       1 if the cell satisfies SWXZ22's conditions at the
//                    learner's delta (auto: k = n log2^2 n/(delta T))
//   memory_words
#include <cmath>
#include <string>

#include "algorithms/experts/game.h"
#include "algorithms/experts/specs.h"
#include "sim/experiment.h"
#include "theory/memory_bounds.h"

namespace expertlab::experiments {
namespace {

using experts::ExpertsLearner;
using experts::LossSequence;

enum Stream : uint64_t { kLearnerStream = 1, kSequenceStream = 2 };

class LowMistakeStudy final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        SpecParam<ExpertsLearner>("learner", "swxz_low_mistake",
                                  "learner spec; memory=S is set by the cell"),
        ParamSpec::Int("n", 1024, Bounds::Closed(2, 1 << 24),
                       "number of experts"),
        ParamSpec::Int("memory", 64, Bounds::Closed(1, 1 << 24),
                       "memory S in words (must be <= n)"),
        ParamSpec::Int("T", 65536, Bounds::Closed(1, int64_t{1} << 32),
                       "horizon (days)"),
        ParamSpec::Int("mistakes", 4, Bounds::Closed(0, int64_t{1} << 32),
                       "mistakes M of the best expert (<= T)"),
        ParamSpec::Choice("placement", "bursts", {"bursts", "spread"},
                          "where the M mistakes go"),
    };
  }

  void RunCell(const Params& params, CellContext& context) const override {
    const int n = static_cast<int>(params.Int("n"));
    const int64_t horizon = params.Int("T");
    const int64_t memory = params.Int("memory");
    const int64_t mistakes = params.Int("mistakes");
    EXPERTLAB_CHECK(memory <= n)
        << "low_mistake: memory S = " << memory << " exceeds n = " << n
        << " (S must be in [1, n])";
    EXPERTLAB_CHECK(mistakes <= horizon)
        << "low_mistake: mistakes M = " << mistakes << " exceeds T = "
        << horizon;
    std::string spec = params.String("learner");
    if (experts::SpecHasParam<ExpertsLearner>(spec, "memory"))
      spec = experts::SpecWith(spec, "memory", std::to_string(memory));
    const auto learner = Registry<ExpertsLearner>::Instance().Create(spec);
    const auto sequence = Registry<LossSequence>::Instance().Create(
        "low_mistake(mistakes=" + std::to_string(mistakes) +
        ", placement=" + params.String("placement") + ")");
    const auto result = experts::PlayGame(
        *learner, *sequence, n, horizon, {horizon},
        context.Stream(kLearnerStream), context.Stream(kSequenceStream));
    const experts::GamePoint& end = result.points.back();
    const double nd = n, sd = static_cast<double>(memory),
                 td = static_cast<double>(horizon);
    const double log2n = std::log2(nd);
    const double delta = std::min(0.5, nd * log2n * log2n / (sd * td));
    context.Record("regret", horizon, end.regret);
    context.Record("mean_regret", horizon, end.mean_regret);
    context.Record("swxz_predict", horizon, theory::LowMistakeRegret(nd, sd));
    context.Record("cycling_predict", horizon,
                   theory::PoolCyclingRegret(nd, static_cast<double>(mistakes) + 1,
                                             sd));
    context.Record("swxz_valid", horizon,
                   theory::SwxzLowMistakeValid(nd, td, delta,
                                               static_cast<double>(mistakes))
                       ? 1.0
                       : 0.0);
    context.Record("memory_words", horizon,
                   static_cast<double>(end.peak_memory_words));
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(LowMistakeStudy, "low_mistake",
                              "regret vs S when the best expert errs M times "
                              "(SWXZ22 low-mistake regime, WZZ23 cycling)")

}  // namespace expertlab::experiments
