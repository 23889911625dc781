// Query complexities of active ranking under monotonicity (Saad, Verzelen &
// Carpentier, "Active Ranking of Experts Based on their Performances in Many
// Tasks", ICML 2023), in closed form from the mean matrix M (n x d, rows
// isotonic up to a permutation).
//
// RECONSTRUCTION: the paper's theorems could not be read; these are the
// complexities its abstract and setting imply (instance dependent, up to
// poly-log factors), derived as follows.
//
//   PairComplexity(a, b) = H_ab = min over s in [d] of d / (s |Delta|_(s)^2),
//     Delta = a - b and |Delta|_(1) >= ... >= |Delta|_(d) its sorted absolute
//     entries: random search finds one of the s tasks with gap >= |Delta|_(s)
//     in about d/s draws, each needing about 1/|Delta|_(s)^2 samples.
//   RankingComplexity(M) = sum over adjacent pairs of the true ranking of H.
//   BestExpertComplexity(M) = sum over i != i* of H_{i*, i}.
//   UniformPairCost(a, b) = 1 / mean(Delta)^2: samples of the row means
//     that separate the two experts when tasks are averaged uniformly
//     (at least H_ab / 4, and about d/s times H_ab when s of d tasks differ).
//   UniformCost(M, best) = n times the largest UniformPairCost over adjacent
//     pairs (ranking) or over pairs (i*, i) (best): round-robin sampling
//     gives every expert as many queries as the hardest pair needs.
#pragma once

#include <Eigen/Core>
#include <vector>

namespace expertlab::theory {

// a and b are rows of one mean matrix (same length >= 1). Infinite when
// a == b.
double PairComplexity(const Eigen::VectorXd& a, const Eigen::VectorXd& b);
double UniformPairCost(const Eigen::VectorXd& a, const Eigen::VectorXd& b);

// `order` is the true ranking (best first), e.g. ranking::IsotonicOrder(M).
double RankingComplexity(const Eigen::MatrixXd& means, const std::vector<int>& order);
double BestExpertComplexity(const Eigen::MatrixXd& means, const std::vector<int>& order);
double UniformCost(const Eigen::MatrixXd& means, const std::vector<int>& order, bool best);

}  // namespace expertlab::theory
