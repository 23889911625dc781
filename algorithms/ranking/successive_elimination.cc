#include "algorithms/ranking/successive_elimination.h"

#include <algorithm>

#include "sim/registry.h"

namespace expertlab::ranking {

std::vector<int> SuccessiveElimination::Solve(Goal goal, Querier& querier, double delta,
                                              Rng& rng) {
  CheckSolvable(*this, "successive_elimination", goal, delta);
  const int n = querier.experts();
  std::vector<int> survivors = ShuffledExperts(n, rng);
  std::vector<double> sums(static_cast<size_t>(n), 0.0);
  for (int64_t pulls = 1; survivors.size() > 1; ++pulls) {
    const int task = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(querier.tasks())));
    for (int i : survivors) sums[static_cast<size_t>(i)] += querier.Sample(i, task);
    const double radius = Radius(pulls, n, delta);
    double best_lower = -INFINITY;
    for (int i : survivors)
      best_lower = std::max(best_lower, sums[static_cast<size_t>(i)] / pulls - radius);
    std::erase_if(survivors,
                  [&](int i) { return sums[static_cast<size_t>(i)] / pulls + radius < best_lower; });
  }
  return survivors;
}

EXPERTLAB_REGISTER(RankingPolicy, SuccessiveElimination, "successive_elimination",
                   "successive elimination on row means, one random task per round "
                   "(Even-Dar, Mannor & Mansour, JMLR 2006)",
                   {RangeParam()})

}  // namespace expertlab::ranking
