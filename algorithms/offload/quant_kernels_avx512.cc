// AVX-512 decode kernel for quantised experts: y += x W over a range of
// rows, sixteen columns a vector, four rows a pass so that each vector of y
// is loaded and stored once per four rows while the range streams through
// memory front to back (one contiguous stream, which the hardware
// prefetchers follow best).
// Codes become floats in registers: int8 by sign extension; 4-bit a
// 16-byte load at a time, each nibble mapped to its signed byte by a
// 16-entry table lookup (vpshufb), low and high nibbles interleaved back
// into column order. Compiled
// with -mavx512f -mavx512bw -mavx512vl (CMakeLists.txt); see quant_view.h.
#include <immintrin.h>

#include <cstdint>

#include "algorithms/offload/quant_view.h"

namespace expertlab::offload::avx512 {
namespace {

constexpr int kQuantRowsPerPass = 4;

// Sixteen int8 codes at p as floats.
inline __m512 Int8Codes(const uint8_t* p) {
  return _mm512_cvtepi32_ps(
      _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
}

// Thirty-two 4-bit codes (sixteen bytes at p, low nibble first) as two
// vectors of floats: columns 0-15 and 16-31.
inline void Int4Codes(const uint8_t* p, __m512* first, __m512* second) {
  const __m128i table = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1);
  const __m128i mask = _mm_set1_epi8(0x0F);
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i low = _mm_shuffle_epi8(table, _mm_and_si128(bytes, mask));
  const __m128i high = _mm_shuffle_epi8(table, _mm_and_si128(_mm_srli_epi16(bytes, 4), mask));
  *first = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_unpacklo_epi8(low, high)));
  *second = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_unpackhi_epi8(low, high)));
}

// Columns a step of the inner loop covers: 32 for 4-bit (a 16-byte load).
template <int kFormat>
constexpr int kQuantChunk = kFormat == 2 ? 32 : 16;

// acc[v] += codes of row r, columns c + 16 v, times f.
template <int kFormat>
inline void FmaRow(const QuantView& m, int64_t r, int64_t c, __m512 f, __m512* acc) {
  if constexpr (kFormat == 0) {
    acc[0] = _mm512_fmadd_ps(
        _mm512_loadu_ps(reinterpret_cast<const float*>(m.codes) + r * m.cols + c), f, acc[0]);
  } else if constexpr (kFormat == 1) {
    acc[0] = _mm512_fmadd_ps(Int8Codes(m.codes + r * m.cols + c), f, acc[0]);
  } else {
    __m512 first, second;
    Int4Codes(m.codes + (r * m.cols + c) / 2, &first, &second);
    acc[0] = _mm512_fmadd_ps(first, f, acc[0]);
    acc[1] = _mm512_fmadd_ps(second, f, acc[1]);
  }
}

// Rows [r, r + kRows) into y[g, g + step): each vector of y is loaded and
// stored once, the rows' fused multiply-adds applied in row order.
template <int kFormat, int kRows>
inline void RowsIntoGroup(const QuantView& m, int64_t r, int64_t g, int64_t step, const __m512* f,
                          float* y) {
  constexpr int kVectors = kQuantChunk<kFormat> / 16;
  for (int64_t c = g; c < g + step; c += kQuantChunk<kFormat>) {
    __m512 acc[kVectors];
    for (int v = 0; v < kVectors; ++v) acc[v] = _mm512_loadu_ps(y + c + 16 * v);
    for (int i = 0; i < kRows; ++i) FmaRow<kFormat>(m, r + i, c, f[i], acc);
    for (int v = 0; v < kVectors; ++v) _mm512_storeu_ps(y + c + 16 * v, acc[v]);
  }
}

template <int kFormat>
void Rows(const QuantView& m, const float* x, float* y, int64_t r0, int64_t r1) {
  // Columns sharing one multiplier x[r] * scale: a group (fp32: the row).
  const int64_t step = kFormat == 0 ? m.cols : m.group;
  const int64_t groups = m.cols / step;
  const auto factor = [&](int64_t r, int64_t gi) {
    if constexpr (kFormat == 0) return x[r];
    else return x[r] * m.scales[r * groups + gi];
  };
  int64_t r = r0;
  for (; r + kQuantRowsPerPass <= r1; r += kQuantRowsPerPass)
    for (int64_t gi = 0; gi < groups; ++gi) {
      __m512 f[kQuantRowsPerPass];
      for (int i = 0; i < kQuantRowsPerPass; ++i) f[i] = _mm512_set1_ps(factor(r + i, gi));
      RowsIntoGroup<kFormat, kQuantRowsPerPass>(m, r, gi * step, step, f, y);
    }
  for (; r < r1; ++r)
    for (int64_t gi = 0; gi < groups; ++gi) {
      const __m512 f = _mm512_set1_ps(factor(r, gi));
      RowsIntoGroup<kFormat, 1>(m, r, gi * step, step, &f, y);
    }
}

}  // namespace

bool TakesView(const QuantView& m) {
  return m.format <= 2 && m.cols % 16 == 0 && (m.format == 0 || m.group % kQuantChunk<1> == 0) &&
         (m.format != 2 || m.group % kQuantChunk<2> == 0);
}

void VecMatRows(const QuantView& m, const float* x, float* y, int64_t r0, int64_t r1) {
  switch (m.format) {
    case 0: Rows<0>(m, x, y, r0, r1); break;
    case 1: Rows<1>(m, x, y, r0, r1); break;
    default: Rows<2>(m, x, y, r0, r1); break;
  }
}

}  // namespace expertlab::offload::avx512
