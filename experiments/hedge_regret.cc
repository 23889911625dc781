// hedge_regret: the engine's first end-to-end study. Regret of full-memory
// learners (Hedge with fixed and anytime eta, follow-the-leader) over a grid
// of n and T on a planted Bernoulli instance and on the alternating sequence
// that defeats FTL, beside the Hedge bound sqrt(T ln n / 2) (Cesa-Bianchi &
// Lugosi 2006, Thm 2.2).
//
// Data keys: instance, n, T (every learner of a replicate meets the same
// losses).
//
// Metrics per checkpoint t (log-spaced, always including T): the standard
// rows of experts_cell.h, and
//   normalized_regret          regret / sqrt(t ln n)
//   bound                      sqrt(t ln n / 2)
// and at T the predicted slope of log R_T against log T (theory.slope,
// theory.fit; see PredictedSlope).
#include <cmath>
#include <optional>

#include "experiments/experts_cell.h"
#include "experiments/experts_keys.h"
#include "sim/experiment.h"
#include "theory/experts_bounds.h"

namespace expertlab::experiments {
namespace {

using experts::ExpertsLearner;

struct SlopePrediction {
  double slope;
  bool in_regime;
};

// The slope of log R_T on log T that theory predicts for the cell's learner
// on its instance, or none.
std::optional<SlopePrediction> PredictedSlope(const Params& params, const PlayedGame& played) {
  const std::string learner = SpecName(played.learner_spec);
  const std::string instance = SpecName(params.String("instance"));
  const Params learner_params = SpecParams<ExpertsLearner>(played.learner_spec);
  const bool hedge = learner == "hedge";
  const bool anytime = hedge && learner_params.String("schedule") == "anytime";
  // Fixed eta tuned to T (eta = auto); an explicit eta has no rate in T.
  const bool tuned = hedge && !anytime && !learner_params.AutoDouble("eta");
  if (instance == "planted_bernoulli") {
    // A gap-dependent regret O(ln n / delta) is constant only once the
    // planted expert has been singled out: its lead delta t must beat the
    // others' fluctuations sqrt(t ln n), i.e. t >~ ln n / delta^2. Horizons
    // below 4 times that are pre-asymptotic (regret still grows there).
    const double delta = *played.SequenceParam("delta");
    const double n = static_cast<double>(params.Int("n"));
    const bool gap_regime =
        static_cast<double>(params.Int("T")) >= 4 * std::log(n) / (delta * delta);
    // eta tuned to T singles out the planted expert only after ~sqrt(T) days.
    if (tuned) return SlopePrediction{0.5, true};
    // Decreasing eta and FTL: gap-dependent O(ln n / delta) regret (Mourtada
    // & Gaiffas, JMLR 2019; for FTL the leader settles on the planted expert).
    if (anytime || learner == "ftl") return SlopePrediction{0.0, gap_regime};
  }
  if (instance == "ftl_trap") {
    // The leader loses every day: regret ~ T/2.
    if (learner == "ftl") return SlopePrediction{1.0, true};
    // Not O(1) for Hedge: the two leaders' cumulative losses stay within 1/2
    // of each other, so Hedge puts weight ~ 1/2 + eta_t/8 on the expert about
    // to lose and pays ~ sum_t eta_t / 8 over the best expert: sqrt(T ln n/8)
    // for the tuned fixed eta (half the bound of Thm 2.2), sqrt(T ln n/2) for
    // the anytime one (within the bound of Thm 2.3). Slope 1/2 either way.
    if (tuned || anytime) return SlopePrediction{0.5, true};
  }
  return std::nullopt;
}

class HedgeRegret final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        LearnerKey("hedge", "learner spec, e.g. hedge(schedule=anytime)"),
        InstanceKey("instance", "planted_bernoulli", "loss sequence spec, e.g. ftl_trap"),
        ExpertsCountKey(16),
        HorizonKey(4096),
        PerOctaveKey(2),
    };
  }
  std::vector<std::string> DataKeys() const override { return {"instance", "n", "T"}; }

  void RunCell(const Params& params, CellContext& context) const override {
    const int n = static_cast<int>(params.Int("n"));
    const int64_t horizon = params.Int("T");
    const PlayedGame played =
        ExpertsGame(params.String("learner"), params.String("instance"), n, horizon)
            .Checkpoints(LogCheckpoints(horizon, static_cast<int>(params.Int("per_octave"))))
            .Play(context);
    const double log_n = std::log(static_cast<double>(n));
    for (const auto& point : played.result.points) {
      const double t = static_cast<double>(point.day);
      context.Record("normalized_regret", point.day, point.regret / std::sqrt(t * log_n));
      context.Record("bound", point.day, theory::HedgeOptimalRegret(n, point.day));
    }
    if (const auto prediction = PredictedSlope(params, played))
      RecordSlopePrediction(context, horizon, prediction->slope, prediction->in_regime);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(HedgeRegret, "hedge_regret",
                              "regret vs T of Hedge (fixed/anytime) and FTL on "
                              "planted Bernoulli and FTL-trap sequences")

}  // namespace expertlab::experiments
