// regret_vs_gap: regret R against the planted gap delta for fixed n, memory
// S and horizon T, per learner, on the SWXZ22 hard instance.
//
// Theory: the hardest gap for S words is delta* = sqrt(n / (S T)) (SWXZ22:
// average regret delta needs S = Omega(n / (delta^2 T))). Below it no
// learner with S words can single out i* in T days and regret grows like
// delta T; above it a learner that finds i* after D(delta) ~ (n / S)
// ln(.) / delta^2 days pays delta D ~ 1 / delta, falling. So R(delta) is a
// hump whose peak sits near delta*, up to the learner's log factors and
// constants (for the probation pools the peak is where D(delta) = T:
// delta ~ sqrt((n / 2m) ln(S T) / T), a few times delta*). A learner that
// never learns (random subset) rises like (1 - S/n) delta T throughout:
// no hump. Rows give delta / delta* so the report can place each
// learner's peak.
//
// Data keys: n, T, memory, delta (learners share each cell's losses).
//
// Metrics (at t = T): the standard rows of experts_cell.h, the planted-cell
// rows of planted_cell.h, and
//   delta_star       sqrt(n / (S T))
//   gap_ratio        delta / delta*
#include <cmath>
#include <string>

#include "experiments/experts_keys.h"
#include "experiments/planted_cell.h"
#include "sim/experiment.h"
#include "theory/memory_bounds.h"

namespace expertlab::experiments {
namespace {

class RegretVsGap final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        LearnerKey("pool_booster", "learner spec; memory=S is set by the cell"),
        ExpertsCountKey(4096),
        HorizonKey(65536),
        MemoryKey(64),
        ParamSpec::Double("delta", 0.05, Bounds::Open(0.0, 0.5), "the planted gap"),
    };
  }
  std::vector<std::string> DataKeys() const override { return {"n", "T", "memory", "delta"}; }

  void CheckCell(const Params& params) const override {
    CheckMemoryCell("regret_vs_gap", params);
  }

  void RunCell(const Params& params, CellContext& context) const override {
    const double delta = params.Double("delta");
    PlayPlantedCell(params, delta, context);
    const double star =
        theory::DeltaStar(1.0, static_cast<double>(params.Int("n")),
                          static_cast<double>(params.Int("T")),
                          static_cast<double>(params.Int("memory")));
    context.Record("delta_star", params.Int("T"), star);
    context.Record("gap_ratio", params.Int("T"), delta / star);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RegretVsGap, "regret_vs_gap",
                              "regret vs the planted gap delta at fixed n, S, T: a hump "
                              "near delta* = sqrt(n/(ST)) (SWXZ22)")

}  // namespace expertlab::experiments
