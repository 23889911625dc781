#include "algorithms/ranking/instance.h"

#include <cmath>
#include <numeric>
#include <vector>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::ranking {

Eigen::MatrixXd StackedGaps(int n, int d, int s, double h, Rng& rng) {
  EXPERTLAB_CHECK(n >= 2) << "n: at least 2 experts expected, got " << n;
  EXPERTLAB_CHECK(d >= 1) << "d: at least 1 task expected, got " << d;
  EXPERTLAB_CHECK(s >= 1 && s <= d) << "s: support size in [1, d = " << d << "] expected, got "
                                    << s;
  EXPERTLAB_CHECK(h > 0 && std::isfinite(h)) << "h: a positive gap expected, got " << h;
  // Rows by rank, worst (rank n - 1) first.
  Eigen::MatrixXd by_rank = Eigen::MatrixXd::Zero(n, d);
  for (int rank = n - 2; rank >= 0; --rank) {
    by_rank.row(rank) = by_rank.row(rank + 1);
    for (uint64_t task : SampleWithoutReplacement(rng, static_cast<uint64_t>(d),
                                                  static_cast<uint64_t>(s)))
      by_rank(rank, static_cast<Eigen::Index>(task)) += h;
  }
  std::vector<int> expert_of_rank(static_cast<size_t>(n));
  std::iota(expert_of_rank.begin(), expert_of_rank.end(), 0);
  Shuffle(rng, expert_of_rank);
  Eigen::MatrixXd means(n, d);
  for (int rank = 0; rank < n; ++rank) means.row(expert_of_rank[static_cast<size_t>(rank)]) =
      by_rank.row(rank);
  return means;
}

}  // namespace expertlab::ranking
