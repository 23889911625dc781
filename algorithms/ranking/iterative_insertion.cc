#include "algorithms/ranking/iterative_insertion.h"

#include <cmath>
#include <map>

#include "algorithms/ranking/heckel_ar.h"
#include "sim/registry.h"

namespace expertlab::ranking {
namespace {

// +1 if e's win rate over m duels against x exceeds 1/2 + eps/2, -1 if it
// is below 1/2 - eps/2, 0 (unsure) otherwise.
int Duel(Querier& querier, int e, int x, int64_t m, double eps, Rng& rng) {
  double wins = 0;
  for (int64_t c = 0; c < m; ++c) wins += BeatsOnRandomTask(querier, e, x, rng);
  const double rate = wins / static_cast<double>(m);
  if (rate > 0.5 + eps / 2) return 1;
  if (rate < 0.5 - eps / 2) return -1;
  return 0;
}

struct Attempt {
  Querier& querier;
  const std::vector<int>& ranked;  // best first; position p = between p-1 and p
  int expert;
  double eps;
  Rng& rng;

  int64_t WalkDuels() const { return static_cast<int64_t>(std::ceil(2 * std::log(10.0) / (eps * eps))); }
  // Does the expert fit in positions [a, b]: below ranked[a-1], above ranked[b]?
  bool Fits(int a, int b, int64_t m) const {
    const int len = static_cast<int>(ranked.size());
    if (a > 0 && Duel(querier, expert, ranked[static_cast<size_t>(a - 1)], m, eps, rng) != -1)
      return false;
    return b == len || Duel(querier, expert, ranked[static_cast<size_t>(b)], m, eps, rng) == 1;
  }

  // The proposed position (a leaf of the walk), or -1.
  int Walk() const {
    const int len = static_cast<int>(ranked.size());
    const int64_t m = WalkDuels();
    std::vector<std::pair<int, int>> path = {{0, len}};  // root to current node
    const int steps = 2 * static_cast<int>(std::ceil(std::log2(len + 1.0))) + 8;
    for (int step = 0; step < steps; ++step) {
      const auto [a, b] = path.back();
      if (!Fits(a, b, m)) {
        if (path.size() > 1) path.pop_back();
        continue;
      }
      if (a == b) continue;  // a leaf that fits: stay
      const int mid = (a + b) / 2;
      const int sign = Duel(querier, expert, ranked[static_cast<size_t>(mid)], m, eps, rng);
      if (sign > 0) path.push_back({a, mid});
      if (sign < 0) path.push_back({mid + 1, b});
    }
    const auto [a, b] = path.back();
    return a == b ? a : -1;
  }
};

}  // namespace

std::vector<int> IterativeInsertion::Solve(Goal goal, Querier& querier, double delta, Rng& rng) {
  CheckSolvable(*this, "iterative_insertion", goal, delta);
  const int n = querier.experts();
  const std::vector<int> arrival = ShuffledExperts(n, rng);
  std::vector<int> ranked = {arrival.front()};
  for (size_t q = 1; q < arrival.size(); ++q) {
    for (int k = 1;; ++k) {
      const double eps = std::ldexp(1.0, -k);
      const Attempt attempt{querier, ranked, arrival[q], eps, rng};
      const int position = attempt.Walk();
      if (position < 0) continue;
      const double delta_v = delta / (4.0 * (n - 1) * k * k);
      const auto m = static_cast<int64_t>(std::ceil(2 * std::log(1 / delta_v) / (eps * eps)));
      if (!attempt.Fits(position, position, m)) continue;
      ranked.insert(ranked.begin() + position, arrival[q]);
      break;
    }
  }
  return ranked;
}

EXPERTLAB_REGISTER(RankingPolicy, IterativeInsertion, "iterative_insertion",
                   "iterative insertion by noisy binary search with backtracking and verified "
                   "positions, i beats j on a random task (after Ren, Liu & Shroff, NeurIPS 2019)",
                   {})

}  // namespace expertlab::ranking
