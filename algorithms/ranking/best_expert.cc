#include "algorithms/ranking/best_expert.h"


#include "sim/registry.h"

namespace expertlab::ranking {

std::vector<int> BestExpert::Solve(Goal goal, Querier& querier, double delta, Rng& rng) {
  CheckSolvable(*this, "best_expert", goal, delta);
  const int n = querier.experts();
  std::vector<int> survivors = ShuffledExperts(n, rng);
  for (int r = 1; survivors.size() > 1; ++r) {
    const CompareOptions options = Options(r);
    const double round_delta = delta / (2.0 * r * r * (n - 1));
    int champion = survivors.front();
    std::vector<int> next;
    for (size_t q = 1; q < survivors.size(); ++q) {
      const int challenger = survivors[q];
      const int sign = Compare(querier, champion, challenger, round_delta, rng, options);
      if (sign < 0) champion = challenger;
      if (sign == 0) next.push_back(challenger);
    }
    next.insert(next.begin(), champion);
    survivors = std::move(next);
  }
  return survivors;
}

EXPERTLAB_REGISTER(RankingPolicy, BestExpert, "best_expert",
                   "max-search with elimination over budget-capped Compares (Saad, Verzelen & "
                   "Carpentier, ICML 2023, Alg. 4)",
                   {MaxGapParam()})

}  // namespace expertlab::ranking
