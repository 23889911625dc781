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
#include <cmath>

#include "experiments/experts_cell.h"
#include "experiments/experts_keys.h"
#include "sim/experiment.h"
#include "theory/experts_bounds.h"

namespace expertlab::experiments {
namespace {

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
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(HedgeRegret, "hedge_regret",
                              "regret vs T of Hedge (fixed/anytime) and FTL on "
                              "planted Bernoulli and FTL-trap sequences")

}  // namespace expertlab::experiments
