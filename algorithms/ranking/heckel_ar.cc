#include "algorithms/ranking/heckel_ar.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/registry.h"

namespace expertlab::ranking {

double BeatsOnRandomTask(Querier& querier, int i, int j, Rng& rng) {
  const int task = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(querier.tasks())));
  const double x = querier.Sample(i, task), y = querier.Sample(j, task);
  if (x != y) return x > y ? 1.0 : 0.0;
  return rng.UniformInt(2) == 0 ? 1.0 : 0.0;
}

std::vector<int> HeckelAr::Solve(Goal goal, Querier& querier, double delta, Rng& rng) {
  CheckSolvable(*this, "heckel_ar", goal, delta);
  const int n = querier.experts();
  const auto at = [](int i) { return static_cast<size_t>(i); };
  std::vector<double> wins(at(n), 0.0), estimate(at(n), 0.0), radius(at(n), 0.0);
  std::vector<bool> active(at(n), true);
  int remaining = n;
  for (int64_t t = 1; remaining > 0; ++t) {
    const double alpha =
        std::sqrt(std::log(4.0 * n * static_cast<double>(t) * static_cast<double>(t) / delta) /
                  (2.0 * static_cast<double>(t)));
    for (int i = 0; i < n; ++i) {
      if (!active[at(i)]) continue;
      int j = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(n - 1)));
      if (j >= i) ++j;
      wins[at(i)] += BeatsOnRandomTask(querier, i, j, rng);
      estimate[at(i)] = wins[at(i)] / static_cast<double>(t);
      radius[at(i)] = alpha;
    }
    std::vector<int> decided;
    for (int i = 0; i < n; ++i) {
      if (!active[at(i)]) continue;
      bool separated = true;
      for (int j = 0; j < n && separated; ++j)
        separated = j == i || std::abs(estimate[at(i)] - estimate[at(j)]) >
                                  radius[at(i)] + radius[at(j)];
      if (separated) decided.push_back(i);
    }
    for (int i : decided) active[at(i)] = false;
    remaining -= static_cast<int>(decided.size());
  }
  std::vector<int> order(at(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return estimate[at(a)] > estimate[at(b)]; });
  return order;
}

EXPERTLAB_REGISTER(RankingPolicy, HeckelAr, "heckel_ar",
                   "active ranking by Borda scores, i beats j on a random task (Heckel, Shah, "
                   "Ramchandran & Wainwright, AoS 2019)",
                   {})

}  // namespace expertlab::ranking
