#include "algorithms/ranking/uniform.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/registry.h"

namespace expertlab::ranking {

Separation SeparateByIntervals(const std::vector<double>& estimate,
                               const std::vector<double>& radius, Goal goal) {
  Separation result;
  result.order.resize(estimate.size());
  std::iota(result.order.begin(), result.order.end(), 0);
  std::stable_sort(result.order.begin(), result.order.end(),
                   [&](int a, int b) { return estimate[a] > estimate[b]; });
  const auto low = [&](int i) { return estimate[i] - radius[i]; };
  const auto high = [&](int i) { return estimate[i] + radius[i]; };
  result.separated = true;
  for (size_t q = 1; q < result.order.size() && result.separated; ++q) {
    const int above = goal == Goal::kRanking ? result.order[q - 1] : result.order[0];
    result.separated = low(above) > high(result.order[q]);
  }
  return result;
}

std::vector<int> Uniform::Solve(Goal goal, Querier& querier, double delta, Rng& /*rng*/) {
  CheckSolvable(*this, "uniform", goal, delta);
  const int n = querier.experts(), d = querier.tasks();
  std::vector<double> sums(static_cast<size_t>(n), 0.0);
  std::vector<double> estimate(sums.size()), radius(sums.size());
  int64_t passes = 0;
  for (int check = 1;; ++check) {
    const int64_t batch = std::max<int64_t>(1, passes / 8);
    for (int i = 0; i < n; ++i)
      for (int k = 0; k < d; ++k) sums[static_cast<size_t>(i)] += querier.Sum(i, k, batch);
    passes += batch;
    const double samples = static_cast<double>(d) * static_cast<double>(passes);
    const double width =
        std::sqrt(2.0 * std::log(4.0 * n * check * check / delta) / samples);
    for (size_t i = 0; i < sums.size(); ++i) {
      estimate[i] = sums[i] / samples;
      radius[i] = width;
    }
    Separation separation = SeparateByIntervals(estimate, radius, goal);
    if (separation.separated) {
      if (goal == Goal::kBest) separation.order.resize(1);
      return separation.order;
    }
  }
}

EXPERTLAB_REGISTER(RankingPolicy, Uniform, "uniform",
                   "round-robin over every (expert, task) pair, stops when the row means' "
                   "confidence intervals separate",
                   {})

}  // namespace expertlab::ranking
