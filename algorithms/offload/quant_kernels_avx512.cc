// AVX-512 decode kernel for quantised experts: y += x W over a range of
// rows, sixteen columns a vector, four rows a pass so that each vector of y
// is loaded and stored once per four rows while the range streams through
// memory front to back (one contiguous stream, which the hardware
// prefetchers follow best).
// Codes become floats in registers: int8 by sign extension; 4-bit a block
// of 32 at a time through a 16-entry float table (vpermps). Compiled
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

// Thirty-two 4-bit codes (a block: sixteen bytes at p, byte j holding
// weights j and j + 16) as two vectors of floats, weights 0-15 and 16-31:
// each byte widened to a lane, then a 16-entry float table indexed by the
// lane's low four bits (vpermps reads only those), before and after a
// shift by four.
inline void Int4Codes(const uint8_t* p, __m512* first, __m512* second) {
  const __m512 table = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1);
  const __m512i bytes =
      _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  *first = _mm512_permutexvar_ps(bytes, table);
  *second = _mm512_permutexvar_ps(_mm512_srli_epi32(bytes, 4), table);
}

// Columns a step of the inner loop covers: 32 for 4-bit (a 16-byte load).
template <int kFormat>
constexpr int kQuantChunk = kFormat == 2 ? 32 : 16;

// Bytes of `n` weights' codes.
template <int kFormat>
constexpr int64_t CodeBytesOf(int64_t n) {
  return kFormat == 0 ? 4 * n : kFormat == 1 ? n : n / 2;
}

// acc[v] += the chunk of codes at p (columns 16 v on), times f.
template <int kFormat>
inline void FmaChunk(const uint8_t* p, __m512 f, __m512* acc) {
  if constexpr (kFormat == 0) {
    acc[0] = _mm512_fmadd_ps(_mm512_loadu_ps(reinterpret_cast<const float*>(p)), f, acc[0]);
  } else if constexpr (kFormat == 1) {
    acc[0] = _mm512_fmadd_ps(Int8Codes(p), f, acc[0]);
  } else {
    __m512 first, second;
    Int4Codes(p, &first, &second);
    acc[0] = _mm512_fmadd_ps(first, f, acc[0]);
    acc[1] = _mm512_fmadd_ps(second, f, acc[1]);
  }
}

// Rows row[0 .. kRows) (each pointing at the group's first code) into
// y[0, step): each vector of y is loaded and stored once, the rows' fused
// multiply-adds applied in row order.
template <int kFormat, int kRows>
inline void RowsIntoGroup(const uint8_t* const* row, int64_t step, const __m512* f, float* y) {
  constexpr int kChunk = kQuantChunk<kFormat>, kVectors = kChunk / 16;
  for (int64_t c = 0; c < step; c += kChunk) {
    __m512 acc[kVectors];
    for (int v = 0; v < kVectors; ++v) acc[v] = _mm512_loadu_ps(y + c + 16 * v);
    for (int i = 0; i < kRows; ++i) FmaChunk<kFormat>(row[i] + CodeBytesOf<kFormat>(c), f[i], acc);
    for (int v = 0; v < kVectors; ++v) _mm512_storeu_ps(y + c + 16 * v, acc[v]);
  }
}

// Rows [r, r + kRows) into every column of y. The multipliers x[r] *
// scale(r, group) are computed a batch of groups at a time into memory,
// so that each is broadcast by a load (vbroadcastss m32 runs on the load
// ports, leaving the shuffle port to the code conversion).
template <int kFormat, int kRows>
inline void RowBlock(const QuantView& m, const float* x, float* y, int64_t r) {
  constexpr int64_t kBatch = 64;
  // Columns sharing one multiplier: a group (fp32: the row).
  const int64_t step = kFormat == 0 ? m.cols : m.group, groups = m.cols / step;
  const uint8_t* row[kRows];
  for (int i = 0; i < kRows; ++i) row[i] = m.codes + CodeBytesOf<kFormat>((r + i) * m.cols);
  alignas(64) float factor[kRows][kBatch];
  for (int64_t g0 = 0; g0 < groups; g0 += kBatch) {
    const int64_t n = groups - g0 < kBatch ? groups - g0 : kBatch;
    for (int i = 0; i < kRows; ++i)
      for (int64_t j = 0; j < n; ++j)
        factor[i][j] = kFormat == 0 ? x[r + i] : x[r + i] * m.scales[(r + i) * groups + g0 + j];
    for (int64_t j = 0; j < n; ++j) {
      __m512 f[kRows];
      for (int i = 0; i < kRows; ++i) f[i] = _mm512_set1_ps(factor[i][j]);
      RowsIntoGroup<kFormat, kRows>(row, step, f, y + (g0 + j) * step);
      for (int i = 0; i < kRows; ++i) row[i] += CodeBytesOf<kFormat>(step);
    }
  }
}

template <int kFormat>
void Rows(const QuantView& m, const float* x, float* y, int64_t r0, int64_t r1) {
  int64_t r = r0;
  for (; r + kQuantRowsPerPass <= r1; r += kQuantRowsPerPass)
    RowBlock<kFormat, kQuantRowsPerPass>(m, x, y, r);
  for (; r < r1; ++r) RowBlock<kFormat, 1>(m, x, y, r);
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
