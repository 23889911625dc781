// Row-wise RMSNorm and its backward, for the models of moe/train.
//
// Paper: B. Zhang, R. Sennrich, "Root mean square layer normalization",
// NeurIPS 2019 (Eq. 4, without the bias):
//   n = h r g,  r = 1 / sqrt(mean_j h_j^2 + eps)
//   dh = r g dn - h r^3 <g dn, h> / d,  dg = sum_rows dn h r
// Sums of squares and dot products are taken in double.
#pragma once

#include <cmath>
#include <cstdint>

namespace expertlab::moe {

// n [T x d] and inv_rms [T] from h [T x d] and gains g [d].
template <class S>
void RmsNormRowsForward(const S* h, const S* g, int64_t T, int64_t d, double eps, S* n,
                        S* inv_rms) {
  for (int64_t t = 0; t < T; ++t) {
    const S* ht = h + t * d;
    double ss = 0;
    for (int64_t j = 0; j < d; ++j) ss += static_cast<double>(ht[j]) * ht[j];
    const S r = static_cast<S>(1.0 / std::sqrt(ss / static_cast<double>(d) + eps));
    inv_rms[t] = r;
    for (int64_t j = 0; j < d; ++j) n[t * d + j] = ht[j] * r * g[j];
  }
}

// dh += ..., dg += ... (both accumulate).
template <class S>
void RmsNormRowsBackward(const S* h, const S* g, const S* inv_rms, const S* dn, int64_t T,
                         int64_t d, S* dh, S* dg) {
  for (int64_t t = 0; t < T; ++t) {
    const S r = inv_rms[t];
    const S* ht = h + t * d;
    const S* dnt = dn + t * d;
    double dot = 0;
    for (int64_t j = 0; j < d; ++j) dot += static_cast<double>(g[j]) * dnt[j] * ht[j];
    const S coef = static_cast<S>(dot / static_cast<double>(d)) * r * r * r;
    for (int64_t j = 0; j < d; ++j) {
      dh[t * d + j] += r * g[j] * dnt[j] - ht[j] * coef;
      dg[j] += dnt[j] * ht[j] * r;
    }
  }
}

}  // namespace expertlab::moe
