// regret_vs_memory: regret R against memory S on the SWXZ22 hard instance
// (planted Bernoulli) at its hardest gap for each S, delta*(S) = c sqrt(n /
// (S T)), per learner; beside the SWXZ22 lower-bound curve sqrt(nT/S), the
// full-memory Hedge floor sqrt(T ln n / 2) and the random-subset
// prediction (1 - S/n) delta T + sqrt(T ln S / 2).
//
// Theory: R = Theta~(sqrt(nT/S)) (SWXZ22 lower bound; PR23 upper bound,
// general-S form unverified), i.e. slope -1/2 of log R against log S.
//
// The learner spec gets memory=S when the learner has a memory parameter
// (full-memory learners run as given). swxz_mw without an explicit alpha
// gets the planted best rate alpha = 1/2 - delta (SWXZ22's "M known"
// version); write swxz_mw(alpha=auto) for the binary search.
//
// Data keys: n, T, memory, c: delta*(S) depends on S, so learners share the
// data of a replicate at each S, not across S.
//
// Metrics (at t = T): the standard rows of experts_cell.h (mean_regret
// sum_t <p_t, mu> - T mu(i*) has no noise floor: the headline), and
//   normalized       mean_regret / sqrt(nT/S)
//   lower_bound      sqrt(nT/S)
//   hedge_floor      sqrt(T ln n / 2)
//   subset_predict   (1 - S/n) delta T + sqrt(T ln S / 2)
//   delta            delta*(S)
//   swxz_valid       1 if delta > sqrt(16 log2^2 n / T) (SWXZ22 range)
//   theory.slope     -1/2 for every learner with memory below n: at
//                    delta*(S) its regret lies between the lower bound
//                    sqrt(nT/S) and the no-learning delta* T = c sqrt(nT/S),
//                    both proportional to S^{-1/2} (theory.fit = 1). A
//                    full-memory learner holds every expert: no prediction.
#include <cmath>
#include <string>

#include "experiments/experts_cell.h"
#include "experiments/experts_keys.h"
#include "sim/experiment.h"
#include "theory/experts_bounds.h"
#include "theory/memory_bounds.h"

namespace expertlab::experiments {
namespace {

class RegretVsMemory final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        LearnerKey("multiscale_pool", "learner spec; memory=S is set by the cell"),
        ExpertsCountKey(1024),
        HorizonKey(65536),
        MemoryKey(64),
        ParamSpec::Double("c", 1.0, Bounds::Positive(),
                          "delta = c sqrt(n / (S T)), must stay below 1/2"),
    };
  }
  std::vector<std::string> DataKeys() const override { return {"n", "T", "memory", "c"}; }

  static double DeltaOf(const Params& params) {
    return theory::DeltaStar(params.Double("c"), static_cast<double>(params.Int("n")),
                             static_cast<double>(params.Int("T")),
                             static_cast<double>(params.Int("memory")));
  }

  void CheckCell(const Params& params) const override {
    const int64_t n = params.Int("n"), horizon = params.Int("T"), memory = params.Int("memory");
    const double delta = DeltaOf(params);
    EXPERTLAB_CHECK(delta < 0.5) << "regret_vs_memory: delta* = c sqrt(n/(S T)) = " << delta
                                 << " is not below 1/2 for c = " << params.Double("c")
                                 << ", n = " << n << ", S = " << memory << ", T = " << horizon
                                 << "; lower c or raise T";
    CheckMemoryCell("regret_vs_memory", params);
  }

  void RunCell(const Params& params, CellContext& context) const override {
    const int n = static_cast<int>(params.Int("n"));
    const int64_t horizon = params.Int("T");
    const int64_t memory = params.Int("memory");
    const double nd = n, td = static_cast<double>(horizon), sd = static_cast<double>(memory);
    const double delta = DeltaOf(params);
    const PlayedGame played =
        ExpertsGame(params.String("learner"), "planted_bernoulli(delta=" + SpecNumber(delta) + ")",
                    n, horizon)
            .Memory(memory)
            .KnownComparatorRate()
            .Play(context);
    const double bound = theory::SwxzLowerBound(nd, td, sd);
    context.Record("normalized", horizon, played.end().mean_regret / bound);
    context.Record("lower_bound", horizon, bound);
    context.Record("hedge_floor", horizon, theory::HedgeOptimalRegret(n, horizon));
    context.Record("subset_predict", horizon, theory::RandomSubsetRegret(nd, sd, delta, td));
    context.Record("delta", horizon, delta);
    context.Record("swxz_valid", horizon, theory::SwxzRandomOrderValid(nd, td, delta) ? 1.0 : 0.0);
    if (played.memory_budget < n) RecordSlopePrediction(context, horizon, -0.5, true);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RegretVsMemory, "regret_vs_memory",
                              "regret vs memory S on the planted instance at "
                              "delta*(S) = c sqrt(n/(ST)) (SWXZ22/PR23)")

}  // namespace expertlab::experiments
