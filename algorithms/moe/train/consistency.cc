#include "algorithms/moe/train/consistency.h"

#include <cmath>

#include "algorithms/moe/scalar_math.h"

namespace expertlab::moe {

template <class S>
double SymmetricKlConsistency(const S* a, const S* b, int64_t rows, int64_t cols, double alpha,
                              S* da, S* db) {
  if (rows == 0) return 0;
  const double scale = alpha / static_cast<double>(rows);
  std::vector<double> lp(cols), lq(cols);
  double total = 0;
  for (int64_t t = 0; t < rows; ++t) {
    const S* za = a + t * cols;
    const S* zb = b + t * cols;
    const double lse_a = LogSumExp(za, cols).Value(), lse_b = LogSumExp(zb, cols).Value();
    double kl_pq = 0, kl_qp = 0;
    for (int64_t j = 0; j < cols; ++j) {
      lp[j] = double(za[j]) - lse_a;
      lq[j] = double(zb[j]) - lse_b;
      kl_pq += std::exp(lp[j]) * (lp[j] - lq[j]);
      kl_qp += std::exp(lq[j]) * (lq[j] - lp[j]);
    }
    total += 0.5 * (kl_pq + kl_qp);
    for (int64_t j = 0; j < cols; ++j) {
      const double p = std::exp(lp[j]), q = std::exp(lq[j]);
      if (da)
        da[t * cols + j] += static_cast<S>(0.5 * scale * (p * (lp[j] - lq[j] - kl_pq) + p - q));
      if (db)
        db[t * cols + j] += static_cast<S>(0.5 * scale * (q * (lq[j] - lp[j] - kl_qp) + q - p));
    }
  }
  return scale * total;
}

template <class S>
double GaussianConsistency(const S* a, const S* b, int64_t rows, int64_t cols, double alpha, S* da,
                           S* db) {
  const int64_t n = rows * cols;
  if (n == 0) return 0;
  const double scale = alpha / static_cast<double>(n);
  double total = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double gap = double(a[i]) - double(b[i]);
    total += gap * gap;
    if (da) da[i] += static_cast<S>(2.0 * scale * gap);
    if (db) db[i] -= static_cast<S>(2.0 * scale * gap);
  }
  return scale * total;
}

template double SymmetricKlConsistency<float>(const float*, const float*, int64_t, int64_t, double,
                                              float*, float*);
template double SymmetricKlConsistency<double>(const double*, const double*, int64_t, int64_t,
                                               double, double*, double*);
template double GaussianConsistency<float>(const float*, const float*, int64_t, int64_t, double,
                                           float*, float*);
template double GaussianConsistency<double>(const double*, const double*, int64_t, int64_t, double,
                                            double*, double*);

}  // namespace expertlab::moe
