// Instances for active ranking: mean matrices isotonic up to a permutation
// of the experts, built by stacking adjacent gap vectors.
//
// StackedGaps(n, d, s, h): for each of the n - 1 adjacent pairs of the true
// ranking, a gap vector with s nonzero entries of height h on a support of s
// tasks drawn uniformly (independently per pair), zero elsewhere. The worst
// expert's row is 0 and each better row adds its gap vector, so every
// adjacent pair differs by h on s tasks and by 0 on the others; rows are then
// assigned to experts by a uniform permutation, so an expert's index says
// nothing of its rank. s = 1 is the single-informative-task instance (one
// informative task per adjacent pair), s = d the dense one.
#pragma once

#include <Eigen/Core>

#include "sim/rng.h"

namespace expertlab::ranking {

// n >= 2, d >= 1, 1 <= s <= d, h > 0 (errors name the key).
Eigen::MatrixXd StackedGaps(int n, int d, int s, double h, Rng& rng);

}  // namespace expertlab::ranking
