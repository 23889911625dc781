#include "theory/ranking_complexity.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace expertlab::theory {

double PairComplexity(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  std::vector<double> gaps(static_cast<size_t>(a.size()));
  for (Eigen::Index k = 0; k < a.size(); ++k) gaps[static_cast<size_t>(k)] = std::abs(a[k] - b[k]);
  std::sort(gaps.begin(), gaps.end(), std::greater<>());
  const double d = static_cast<double>(gaps.size());
  double best = std::numeric_limits<double>::infinity();
  for (size_t s = 1; s <= gaps.size(); ++s) {
    const double gap = gaps[s - 1];
    if (gap > 0) best = std::min(best, d / (static_cast<double>(s) * gap * gap));
  }
  return best;
}

double UniformPairCost(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const double mean = (a - b).mean();
  return mean == 0 ? std::numeric_limits<double>::infinity() : 1.0 / (mean * mean);
}

namespace {

Eigen::VectorXd Row(const Eigen::MatrixXd& means, int i) { return means.row(i).transpose(); }

// Sum (or max) of `cost` over the pairs the goal must separate.
double OverPairs(const Eigen::MatrixXd& means, const std::vector<int>& order, bool best,
                 bool take_max,
                 double (*cost)(const Eigen::VectorXd&, const Eigen::VectorXd&)) {
  double total = 0;
  for (size_t q = 1; q < order.size(); ++q) {
    const double c = cost(Row(means, best ? order[0] : order[q - 1]), Row(means, order[q]));
    total = take_max ? std::max(total, c) : total + c;
  }
  return total;
}

}  // namespace

double RankingComplexity(const Eigen::MatrixXd& means, const std::vector<int>& order) {
  return OverPairs(means, order, false, false, PairComplexity);
}

double BestExpertComplexity(const Eigen::MatrixXd& means, const std::vector<int>& order) {
  return OverPairs(means, order, true, false, PairComplexity);
}

double UniformCost(const Eigen::MatrixXd& means, const std::vector<int>& order, bool best) {
  return static_cast<double>(means.rows()) * OverPairs(means, order, best, true, UniformPairCost);
}

}  // namespace expertlab::theory
