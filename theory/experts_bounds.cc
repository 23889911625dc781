#include "theory/experts_bounds.h"

#include <algorithm>
#include <cmath>

namespace expertlab::theory {

double HedgeRegretBound(int64_t n, int64_t horizon, double eta) {
  return std::log(static_cast<double>(n)) / eta + eta * static_cast<double>(horizon) / 8.0;
}

double HedgeOptimalEta(int64_t n, int64_t horizon) {
  return std::sqrt(8.0 * std::log(static_cast<double>(n)) / static_cast<double>(horizon));
}

double HedgeOptimalRegret(int64_t n, int64_t horizon) {
  return std::sqrt(static_cast<double>(horizon) * std::log(static_cast<double>(n)) / 2.0);
}

double HedgeAnytimeRegret(int64_t n, int64_t horizon) {
  const double log_n = std::log(static_cast<double>(n));
  return 2.0 * HedgeOptimalRegret(n, horizon) + std::sqrt(log_n / 8.0);
}

double MwCostBound(int64_t n, double eps, double expert_loss) {
  return (1 + eps) * expert_loss + std::log(static_cast<double>(n)) / eps;
}

double FtlTrapRegret(int64_t horizon) {
  const int64_t later = horizon - 1;  // days after the first
  // Expert 0: 1/2 on day 1, then 1 on every second later day starting with
  // the second; expert 1: 1 on every second later day starting with the first.
  const double expert0 = 0.5 + static_cast<double>(later / 2);
  const double expert1 = static_cast<double>((later + 1) / 2);
  const double ftl = 0.5 + static_cast<double>(later);
  return ftl - std::min(expert0, expert1);
}

}  // namespace expertlab::theory
