// AVX-512 decode kernel for quantised experts: y += x W over a range of
// rows, sixteen columns a vector, four rows a pass so that each vector of y
// is loaded and stored once per four rows while the range streams through
// memory front to back, prefetched in software two row blocks ahead.
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
  const __m512i bytes = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
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

// kUnits chunks of columns at c, c + kChunk, ... (unit u's multipliers in
// factor[u][0 .. kRows)), each with its own accumulators, so that the
// units' chains of fused multiply-adds overlap: each vector of y is loaded
// once, the rows' fused multiply-adds are applied in row order, and it is
// stored. Quantised rows are short (2 KB for 4096 4-bit codes), too short
// for the hardware's stream prefetchers to run ahead before a row ends, so
// each unit also prefetches the line that a later row block (`ahead`)
// reads at the same point: a block's rows are contiguous, and a unit moves
// through the block's codes at kRows times a row's pace.
template <int kFormat, int kRows, int kUnits>
inline void Units(const uint8_t* const* row, const uint8_t* ahead, const float* const* factor,
                  int64_t c, float* y) {
  constexpr int kChunk = kQuantChunk<kFormat>, kVectors = kChunk / 16;
  __m512 acc[kUnits][kVectors];
#pragma GCC unroll 2
  for (int u = 0; u < kUnits; ++u) {
    const int64_t cu = c + u * kChunk;
    if constexpr (kFormat != 0)  // fp32 rows are long enough for the hardware
      _mm_prefetch(reinterpret_cast<const char*>(ahead + kRows * CodeBytesOf<kFormat>(cu)),
                   _MM_HINT_T0);
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) acc[u][v] = _mm512_loadu_ps(y + cu + 16 * v);
  }
#pragma GCC unroll 8
  for (int i = 0; i < kRows; ++i)
#pragma GCC unroll 2
    for (int u = 0; u < kUnits; ++u)
      FmaChunk<kFormat>(row[i] + CodeBytesOf<kFormat>(c + u * kChunk), _mm512_set1_ps(factor[u][i]),
                        acc[u]);
#pragma GCC unroll 2
  for (int u = 0; u < kUnits; ++u)
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) _mm512_storeu_ps(y + c + u * kChunk + 16 * v, acc[u][v]);
}

// Rows [r, r + kRows) into every column of y, two units at a time: two
// groups when a group is one chunk (4-bit in groups of 32), else two
// chunks of one group. The multipliers x[r + i] * scale(r + i, group) are
// computed a batch of groups at a time into memory, so that each is
// broadcast by a load (vbroadcastss m32 runs on the load ports, leaving
// the shuffle port to the code conversion).
template <int kFormat, int kRows>
inline void RowBlock(const QuantView& m, const float* x, float* y, int64_t r) {
  constexpr int64_t kBatch = 64, kPrefetchBlocks = 2;
  constexpr int kChunk = kQuantChunk<kFormat>;
  // Columns sharing one multiplier: a group (fp32: the row).
  const int64_t step = kFormat == 0 ? m.cols : m.group, groups = m.cols / step;
  const uint8_t* row[kRows];
#pragma GCC unroll 8
  for (int i = 0; i < kRows; ++i) row[i] = m.codes + CodeBytesOf<kFormat>((r + i) * m.cols);
  const uint8_t* const ahead =
      m.codes + CodeBytesOf<kFormat>((r + kPrefetchBlocks * kRows) * m.cols);
  alignas(64) float factor[kBatch][kRows];
  for (int64_t g0 = 0; g0 < groups; g0 += kBatch) {
    const int64_t n = groups - g0 < kBatch ? groups - g0 : kBatch;
    if constexpr (kFormat != 0)  // the scales' rows are short too: 512 B for 4096 codes
      for (int i = 0; i < kRows; ++i)
        for (int64_t j = 0; j < n; j += 16)
          _mm_prefetch(reinterpret_cast<const char*>(
                           m.scales + (r + kPrefetchBlocks * kRows + i) * groups + g0 + j),
                       _MM_HINT_T0);
    for (int64_t j = 0; j < n; ++j)
#pragma GCC unroll 8
      for (int i = 0; i < kRows; ++i)
        factor[j][i] = kFormat == 0 ? x[r + i] : x[r + i] * m.scales[(r + i) * groups + g0 + j];
    if (step == kChunk) {
      int64_t j = 0;
      for (; j + 1 < n; j += 2) {
        const float* pair[2] = {factor[j], factor[j + 1]};
        Units<kFormat, kRows, 2>(row, ahead, pair, (g0 + j) * step, y);
      }
      if (j < n) {
        const float* one[1] = {factor[j]};
        Units<kFormat, kRows, 1>(row, ahead, one, (g0 + j) * step, y);
      }
      continue;
    }
    for (int64_t j = 0; j < n; ++j) {
      const float* same[2] = {factor[j], factor[j]};
      const int64_t col0 = (g0 + j) * step, col1 = col0 + step;
      int64_t c = col0;
      for (; c + 2 * kChunk <= col1; c += 2 * kChunk)
        Units<kFormat, kRows, 2>(row, ahead, same, c, y);
      if (c < col1) Units<kFormat, kRows, 1>(row, ahead, same, c, y);
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
