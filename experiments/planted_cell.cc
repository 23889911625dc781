#include "experiments/planted_cell.h"

#include "sim/spec.h"
#include "theory/experts_bounds.h"
#include "theory/memory_bounds.h"

namespace expertlab::experiments {

PlayedGame PlayPlantedCell(const Params& params, double delta, CellContext& context) {
  const int n = static_cast<int>(params.Int("n"));
  const int64_t horizon = params.Int("T");
  const int64_t memory = params.Int("memory");
  const double nd = n, td = static_cast<double>(horizon), sd = static_cast<double>(memory);
  PlayedGame played =
      ExpertsGame(params.String("learner"), "planted_bernoulli(delta=" + SpecNumber(delta) + ")",
                  n, horizon)
          .Memory(memory)
          .KnownComparatorRate()
          .Play(context);
  const double bound = theory::SwxzLowerBound(nd, td, sd);
  context.Record("paid_fraction", horizon, played.end().mean_regret / (delta * td));
  context.Record("normalized", horizon, played.end().mean_regret / bound);
  context.Record("lower_bound", horizon, bound);
  context.Record("hedge_floor", horizon, theory::HedgeOptimalRegret(n, horizon));
  context.Record("subset_predict", horizon, theory::RandomSubsetRegret(nd, sd, delta, td));
  context.Record("delta", horizon, delta);
  context.Record("swxz_valid", horizon, theory::SwxzRandomOrderValid(nd, td, delta) ? 1.0 : 0.0);
  context.Record("swxz_search", horizon, theory::SwxzSearchDays(nd, sd, td, delta, 1.0));
  context.Record("swxz_min_T", horizon, theory::SwxzSmallestHorizon(nd, sd, delta, 1.0));
  return played;
}

}  // namespace expertlab::experiments
