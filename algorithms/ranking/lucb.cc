#include "algorithms/ranking/lucb.h"

#include "sim/registry.h"

namespace expertlab::ranking {

std::vector<int> Lucb::Solve(Goal goal, Querier& querier, double delta, Rng& rng) {
  CheckSolvable(*this, "lucb", goal, delta);
  const int n = querier.experts();
  std::vector<double> sums(static_cast<size_t>(n), 0.0);
  std::vector<int64_t> pulls(static_cast<size_t>(n), 0);
  const auto pull = [&](int i) {
    sums[static_cast<size_t>(i)] += PullRandomTask(querier, i, rng);
    ++pulls[static_cast<size_t>(i)];
  };
  const auto mean = [&](int i) { return sums[static_cast<size_t>(i)] / pulls[static_cast<size_t>(i)]; };
  const auto radius = [&](int i) {
    return Radius(pulls[static_cast<size_t>(i)], n, delta);
  };
  for (int i = 0; i < n; ++i) pull(i);
  for (;;) {
    int leader = 0;
    for (int i = 1; i < n; ++i)
      if (mean(i) > mean(leader)) leader = i;
    int challenger = leader == 0 ? 1 : 0;
    for (int i = 0; i < n; ++i)
      if (i != leader && mean(i) + radius(i) > mean(challenger) + radius(challenger))
        challenger = i;
    if (mean(leader) - radius(leader) > mean(challenger) + radius(challenger)) return {leader};
    pull(leader);
    pull(challenger);
  }
}

EXPERTLAB_REGISTER(RankingPolicy, Lucb, "lucb",
                   "LUCB1 on row means, random-task pulls (Kalyanakrishnan et al., ICML 2012)",
                   {RangeParam()})

}  // namespace expertlab::ranking
