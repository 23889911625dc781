// regret_vs_memory: regret R against memory S on the SWXZ22 hard instance
// (planted Bernoulli), per learner, in two modes:
//   - fixed gap (delta = a number): every S meets the same gap. A learner
//     that never holds i* pays delta T whatever S is (random subset:
//     (1 - S/n) delta T + sqrt(T ln S / 2)); one that finds i* after D days
//     pays about delta D, and D falls with S (SWXZ22's pool MW: (n/S)
//     resamples; the pools: (n/m) epochs). The discriminating mode: the
//     share of delta T a learner pays (paid_fraction) and the share of days
//     on which it held i* (held_fraction) tell learning from not learning.
//   - hardest gap (delta = auto): delta*(S) = c sqrt(n / (S T)) for each S,
//     beside the SWXZ22 lower-bound curve sqrt(nT/S). Every learner's
//     regret then lies between sqrt(nT/S) and the no-learning delta* T =
//     c sqrt(nT/S), both proportional to S^{-1/2}, so the -1/2 slope
//     (theory.slope) holds for a learner that learns nothing as well: this
//     mode shows the tradeoff curve, not who learns.
//
// Theory: R = Theta~(sqrt(nT/S)) at delta*(S) (SWXZ22 lower bound; PR23
// upper bound, general-S form unverified). SWXZ22's pool MW is proven in
// its random-order range delta > sqrt(16 log2^2 n / T) (swxz_valid); with
// the published constants its search takes SwxzSearchDays (theory/
// memory_bounds.h), and swxz_min_T is the smallest T at which that search
// fits in T/2 at this n, S and delta.
//
// The learner spec gets memory=S when the learner has a memory parameter
// (full-memory learners run as given). swxz_mw without an explicit alpha
// gets the planted best rate alpha = 1/2 - delta (SWXZ22's "M known"
// version); write swxz_mw(alpha=auto) for the binary search.
//
// Data keys: n, T, memory, c, delta: learners share the data of a
// replicate at each S (common random numbers), not across S.
//
// Metrics (at t = T): the standard rows of experts_cell.h (mean_regret
// sum_t <p_t, mu> - T mu(i*) has no noise floor: the headline; and
// held_fraction), the planted-cell rows of planted_cell.h (paid_fraction,
// normalized, the SWXZ22 range and search), and
//   theory.slope     hardest-gap mode only: -1/2 for every learner with
//                    memory below n (theory.fit = 1); a full-memory learner
//                    holds every expert: no prediction.
#include <cmath>
#include <string>

#include "experiments/experts_cell.h"
#include "experiments/planted_cell.h"
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
                          "delta = auto: delta*(S) = c sqrt(n / (S T)), below 1/2"),
        ParamSpec::AutoDouble("delta", Bounds::Open(0.0, 0.5),
                              "the planted gap; auto = c sqrt(n / (S T)) for each S"),
    };
  }
  std::vector<std::string> DataKeys() const override {
    return {"n", "T", "memory", "c", "delta"};
  }

  static double DeltaOf(const Params& params) {
    if (const auto fixed = params.AutoDouble("delta")) return *fixed;
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
    const PlayedGame played = PlayPlantedCell(params, DeltaOf(params), context);
    const bool hardest_gap = !params.AutoDouble("delta");
    if (hardest_gap && played.memory_budget < params.Int("n"))
      RecordSlopePrediction(context, params.Int("T"), -0.5, true);
  }

};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RegretVsMemory, "regret_vs_memory",
                              "regret vs memory S on the planted instance at a "
                              "fixed gap or at delta*(S) (SWXZ22/PR23)")

}  // namespace expertlab::experiments
