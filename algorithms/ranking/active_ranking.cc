#include "algorithms/ranking/active_ranking.h"

#include <cmath>

#include "sim/registry.h"

namespace expertlab::ranking {

double InsertionCompareDelta(int n, double delta) {
  return delta / ((n - 1) * std::ceil(std::log2(static_cast<double>(n))));
}

std::vector<int> ActiveRanking::Solve(Goal goal, Querier& querier, double delta, Rng& rng) {
  CheckSolvable(*this, "active_ranking", goal, delta);
  const int n = querier.experts();
  const double compare_delta = InsertionCompareDelta(n, delta);
  const CompareOptions options = Options(0);
  std::vector<int> arrival = ShuffledExperts(n, rng);
  std::vector<int> ranked;  // best first
  for (int e : arrival) {
    size_t lo = 0, hi = ranked.size();
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (Compare(querier, e, ranked[mid], compare_delta, rng, options) > 0)
        hi = mid;
      else
        lo = mid + 1;
    }
    ranked.insert(ranked.begin() + static_cast<std::ptrdiff_t>(lo), e);
  }
  return ranked;
}

EXPERTLAB_REGISTER(RankingPolicy, ActiveRanking, "active_ranking",
                   "binary insertion sort on the sparsity-adaptive Compare (Saad, Verzelen & "
                   "Carpentier, ICML 2023, Alg. 3)",
                   {MaxGapParam()})

}  // namespace expertlab::ranking
