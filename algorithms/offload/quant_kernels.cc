// QuantizedVecMat (quantize.h): the portable kernel and the dispatch to the
// AVX-512 one (quant_kernels_avx512.cc), chosen at run time when the CPU
// has AVX-512 BW and the group is a multiple of 16. Both compute every
// column's fused multiply-adds in the same order, so the choice never
// changes a bit.
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "algorithms/offload/quantize.h"
#include "sim/check.h"

namespace expertlab::offload {
namespace {

void PortableColumns(const QuantView& m, const float* x, float* y, int64_t c0, int64_t c1) {
  const auto* w = reinterpret_cast<const float*>(m.codes);
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t i = r * m.cols + c;
      y[c] = m.format == 0
                 ? std::fma(w[i], x[r], y[c])
                 : std::fma(QuantCodeAt(m, i), x[r] * m.scales[i / m.group], y[c]);
    }
}

bool CpuHasAvx512Bw() {
  static const bool has = __builtin_cpu_supports("avx512f") &&
                          __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vl");
  return has;
}

}  // namespace

void QuantizedVecMat(const QuantizedMatrix& m, std::span<const float> x, std::span<float> y,
                     int threads) {
  EXPERTLAB_CHECK(static_cast<int64_t>(x.size()) == m.rows &&
                  static_cast<int64_t>(y.size()) == m.cols)
      << "vecmat: expected x of " << m.rows << " and y of " << m.cols << ", got " << x.size()
      << " and " << y.size();
  const QuantView view = m.View();
  const bool simd = CpuHasAvx512Bw() && avx512::TakesView(view);
  // Threads take whole groups (whole 16-column vectors for fp32).
  const int64_t unit = std::max<int64_t>(view.format == 0 ? 16 : view.group, 1);
  const int64_t units = (view.cols + unit - 1) / unit;
  const int parts = static_cast<int>(std::clamp<int64_t>(threads, 1, std::max<int64_t>(units, 1)));
#pragma omp parallel num_threads(parts)
  {
    const int64_t t = omp_get_thread_num();
    const int64_t c0 = std::min(view.cols, units * t / parts * unit);
    const int64_t c1 = std::min(view.cols, units * (t + 1) / parts * unit);
    if (simd)
      avx512::VecMatColumns(view, x.data(), y.data(), c0, c1);
    else
      PortableColumns(view, x.data(), y.data(), c0, c1);
  }
}

}  // namespace expertlab::offload
