#include "algorithms/moe/router.h"

#include <algorithm>
#include <cmath>

namespace expertlab::moe {

void SoftmaxRows(const double* logits, int64_t rows, int64_t cols, double* probs) {
  for (int64_t t = 0; t < rows; ++t) {
    const double* z = logits + t * cols;
    double* p = probs + t * cols;
    const double top = *std::max_element(z, z + cols);
    double sum = 0;
    for (int64_t e = 0; e < cols; ++e) sum += (p[e] = std::exp(z[e] - top));
    const double inv = 1.0 / sum;
    for (int64_t e = 0; e < cols; ++e) p[e] *= inv;
  }
}

void SoftmaxRowsBackward(const double* probs, const double* d_probs, int64_t rows, int64_t cols,
                         double* d_logits) {
  for (int64_t t = 0; t < rows; ++t) {
    const double* p = probs + t * cols;
    const double* dp = d_probs + t * cols;
    double dot = 0;
    for (int64_t e = 0; e < cols; ++e) dot += p[e] * dp[e];
    for (int64_t e = 0; e < cols; ++e) d_logits[t * cols + e] += p[e] * (dp[e] - dot);
  }
}

}  // namespace expertlab::moe
