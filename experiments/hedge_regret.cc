// hedge_regret: the engine's first end-to-end study. Regret of full-memory
// learners (Hedge with fixed and anytime eta, follow-the-leader) over a grid
// of n and T on a planted Bernoulli instance and on the alternating sequence
// that defeats FTL, beside the Hedge bound sqrt(T ln n / 2) (Cesa-Bianchi &
// Lugosi 2006, Thm 2.2).
//
// Metrics per checkpoint t (log-spaced, always including T):
//   regret, pseudo_regret      realised and expected regret
//   normalized_regret          regret / sqrt(t ln n)
//   bound                      sqrt(t ln n / 2)
//   memory_words               peak words the learner kept
#include <cmath>

#include "algorithms/experts/game.h"
#include "sim/experiment.h"
#include "theory/experts_bounds.h"

namespace expertlab::experiments {
namespace {

using experts::ExpertsLearner;
using experts::LossSequence;

// Random streams of one cell.
enum Stream : uint64_t { kLearnerStream = 1, kSequenceStream = 2 };

class HedgeRegret final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        SpecParam<ExpertsLearner>("learner", "hedge", "learner spec, e.g. hedge(schedule=anytime)"),
        SpecParam<LossSequence>("instance", "planted_bernoulli",
                                "loss sequence spec, e.g. ftl_trap"),
        ParamSpec::Int("n", 16, Bounds::Closed(2, 1 << 20), "number of experts"),
        ParamSpec::Int("T", 4096, Bounds::Closed(1, int64_t{1} << 32), "horizon (days)"),
        ParamSpec::Int("per_octave", 2, Bounds::Closed(1, 64), "checkpoints per doubling of t"),
    };
  }

  void RunCell(const Params& params, CellContext& context) const override {
    const auto learner = Registry<ExpertsLearner>::Instance().Create(params.String("learner"));
    const auto sequence = Registry<LossSequence>::Instance().Create(params.String("instance"));
    const int n = static_cast<int>(params.Int("n"));
    const int64_t horizon = params.Int("T");
    const auto result =
        experts::PlayGame(*learner, *sequence, n, horizon,
                          LogCheckpoints(horizon, static_cast<int>(params.Int("per_octave"))),
                          context.Stream(kLearnerStream), context.Stream(kSequenceStream));
    const double log_n = std::log(static_cast<double>(n));
    for (const auto& point : result.points) {
      const double t = static_cast<double>(point.day);
      context.Record("regret", point.day, point.regret);
      context.Record("pseudo_regret", point.day, point.pseudo_regret);
      context.Record("normalized_regret", point.day, point.regret / std::sqrt(t * log_n));
      context.Record("bound", point.day, theory::HedgeOptimalRegret(n, point.day));
      context.Record("memory_words", point.day, static_cast<double>(point.peak_memory_words));
    }
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(HedgeRegret, "hedge_regret",
                              "regret vs T of Hedge (fixed/anytime) and FTL on "
                              "planted Bernoulli and FTL-trap sequences")

}  // namespace expertlab::experiments
