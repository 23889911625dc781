// QuantizedVecMat (quantize.h): the portable kernel and the dispatch to the
// AVX-512 one (quant_kernels_avx512.cc), chosen at run time when the CPU
// has AVX-512 BW and the format and group suit it. Both compute every
// column's fused multiply-adds in the same order, so the choice never
// changes a bit.
#include <algorithm>
#include <cmath>
#include <vector>

#include "algorithms/offload/quantize.h"
#include "sim/check.h"

namespace expertlab::offload {
namespace {

constexpr int64_t kQuantRowChunks = 4;

void PortableRows(const QuantView& m, const float* x, float* y, int64_t r0, int64_t r1) {
  const auto* w = reinterpret_cast<const float*>(m.codes);
  for (int64_t r = r0; r < r1; ++r)
    for (int64_t c = 0; c < m.cols; ++c) {
      const int64_t i = r * m.cols + c;
      y[c] = m.format == 0 ? std::fma(w[i], x[r], y[c])
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

void QuantizedVecMat(const QuantView& m, std::span<const float> x, std::span<float> y,
                     int threads) {
  EXPERTLAB_CHECK(static_cast<int64_t>(x.size()) == m.rows &&
                  static_cast<int64_t>(y.size()) == m.cols)
      << "vecmat: expected x of " << m.rows << " and y of " << m.cols << ", got " << x.size()
      << " and " << y.size();
  const bool simd = CpuHasAvx512Bw() && avx512::TakesView(m);
  // Fixed row chunks, whatever the thread count: each a contiguous stream
  // summed into its own partial, the partials then added to y in order.
  const int64_t chunks = std::min<int64_t>(kQuantRowChunks, m.rows);
  thread_local std::vector<float> scratch;
  scratch.assign(static_cast<size_t>(chunks * m.cols), 0.0f);
  float* const partials = scratch.data();  // the caller's: the workers' thread_local differs
#pragma omp parallel for num_threads(static_cast<int>(std::clamp<int64_t>(threads, 1, chunks))) \
    schedule(static)
  for (int64_t i = 0; i < chunks; ++i) {
    float* partial = partials + i * m.cols;
    const int64_t r0 = m.rows * i / chunks, r1 = m.rows * (i + 1) / chunks;
    if (simd)
      avx512::VecMatRows(m, x.data(), partial, r0, r1);
    else
      PortableRows(m, x.data(), partial, r0, r1);
  }
  for (int64_t i = 0; i < chunks; ++i)
    for (int64_t c = 0; c < m.cols; ++c) y[c] += partials[i * m.cols + c];
}

}  // namespace expertlab::offload
