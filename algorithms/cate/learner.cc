#include "algorithms/cate/learner.h"

#include <cmath>

#include "sim/check.h"

namespace expertlab::cate {

ObservationalData ObservationalData::Subset(const std::vector<Eigen::Index>& rows) const {
  ObservationalData out;
  out.x = x(rows, Eigen::all);
  out.y = y(rows);
  out.propensity = propensity(rows);
  out.a.reserve(rows.size());
  for (Eigen::Index r : rows) out.a.push_back(a[r]);
  return out;
}

Eigen::VectorXd ObservationalData::Actions() const {
  Eigen::VectorXd out(static_cast<Eigen::Index>(a.size()));
  for (size_t i = 0; i < a.size(); ++i) out(static_cast<Eigen::Index>(i)) = a[i];
  return out;
}

void CheckObservational(const ObservationalData& data) {
  const Eigen::Index n = data.Size();
  EXPERTLAB_CHECK(static_cast<Eigen::Index>(data.a.size()) == n && data.y.size() == n &&
                  data.propensity.size() == n)
      << "cate data: " << n << " covariate rows, " << data.a.size() << " actions, " << data.y.size()
      << " outcomes, " << data.propensity.size() << " propensities; expected one of each per row";
  EXPERTLAB_CHECK(data.x.allFinite() && data.y.allFinite())
      << "cate data: covariates or outcomes are not finite";
  int64_t treated = 0;
  for (int a : data.a) {
    EXPERTLAB_CHECK(a == 0 || a == 1) << "cate data: action " << a << "; expected 0 or 1";
    treated += a;
  }
  EXPERTLAB_CHECK(treated > 0 && treated < n)
      << "cate data: " << treated << " treated of " << n
      << " rows; expected both arms non-empty (no overlap otherwise)";
}

double Pehe(const Eigen::VectorXd& tau_hat, const Eigen::VectorXd& tau) {
  EXPERTLAB_CHECK(tau_hat.size() == tau.size() && tau.size() > 0)
      << "pehe: " << tau_hat.size() << " estimates for " << tau.size() << " effects";
  return std::sqrt((tau_hat - tau).squaredNorm() / static_cast<double>(tau.size()));
}

std::vector<Eigen::Index> ArmRows(const ObservationalData& data, int a) {
  std::vector<Eigen::Index> rows;
  for (Eigen::Index i = 0; i < data.Size(); ++i)
    if (data.a[i] == a) rows.push_back(i);
  return rows;
}

}  // namespace expertlab::cate
