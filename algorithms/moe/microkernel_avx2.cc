// AVX2 + FMA float tile kernel. Compiled with -mavx2 -mfma only (see
// CMakeLists.txt) and reached only through the run-time dispatch
// (float_kernels.h); it includes nothing but intrinsics and plain-data
// headers, and everything except the entry points of microkernels.h has
// internal linkage, so no AVX2 copy of a shared inline function can leak
// into the rest of the program.
//
// Register tiling for 16 ymm registers (8 floats each) over the fixed
// packed layouts of tile.h: a 32-column B panel is four 8-column chunks,
// and a SwiGLU panel holds gate chunks {0, 1} and their up chunks {2, 3}.
//   - Prefill tiles (3..8 rows) are cut into sub-tiles: up to 6 rows x
//     chunks {q, q + 2} for q = 0, 1 (12 accumulators, 2 B loads and 6
//     broadcasts per k step), and the remaining 1-2 rows x all four chunks.
//     A sub-tile sees only part of a panel row, so the tile walks K in
//     blocks of kKBlock steps (a 16 KB slice of the panel, resident in L1
//     for the other sub-tiles) and parks the accumulators in a small
//     stack buffer between blocks. Each output still accumulates over k in
//     ascending order with one accumulator, so the K blocking changes no
//     result bit.
//   - Decode tiles (1-2 rows) have no reuse of B to exploit: one row spans
//     two panels (8 accumulators, FMAs with memory operands), two rows one
//     panel, over the whole K at once, streaming each weight byte once.
// Zen 3 (the machine this was tuned on): 2 FMA pipes of latency 4, so 8+
// independent accumulators keep them busy; 2 256-bit loads per cycle.
#include <immintrin.h>

#include "algorithms/moe/microkernels.h"
#include "algorithms/moe/simd_math.h"

namespace expertlab::moe::avx2 {
namespace {

struct Ops {
  using V = __m256;
  static constexpr int kLanes = 8;
  static V Set1(float x) { return _mm256_set1_ps(x); }
  static V Zero() { return _mm256_setzero_ps(); }
  static V Add(V a, V b) { return _mm256_add_ps(a, b); }
  static V Sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V Mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V Div(V a, V b) { return _mm256_div_ps(a, b); }
  static V Min(V a, V b) { return _mm256_min_ps(a, b); }
  static V Max(V a, V b) { return _mm256_max_ps(a, b); }
  static V Fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V Fnma(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
  static V Round(V x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  // p 2^n with the biased exponent built directly (n in [-126, 127]).
  static V Pow2Scale(V p, V n) {
    const __m256i e = _mm256_slli_epi32(
        _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
  }
  static __m256i Mask(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static V Load(const float* p) { return _mm256_loadu_ps(p); }
  static void Store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V LoadN(const float* p, int n) { return _mm256_maskload_ps(p, Mask(n)); }
  static void StoreN(float* p, V v, int n) { _mm256_maskstore_ps(p, Mask(n), v); }
  static float ReduceAdd(V v) {
    float lanes[kLanes];
    _mm256_storeu_ps(lanes, v);
    float total = 0;
    for (float x : lanes) total += x;
    return total;
  }
};

constexpr int kChunk = 8;                    // floats per ymm
constexpr int kAccLd = kMaxTilePanels * kPanelCols;  // accumulator row stride
// K steps per L1 block in prefill tiles: kKBlock * 128 B of the panel plus
// kKBlock * 32 B of packed A stay within the 32 KB L1D.
constexpr int64_t kKBlock = 128;
// Weight rows fetched ahead within a panel by the streaming sub-tile.
constexpr int64_t kAhead = 32;

inline void Prefetch0(const float* p) {
  _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0);
}
inline void Prefetch1(const float* p) {
  _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T1);
}

// R rows x (P panels x CP chunks, chunk q of panel p at column q * CS) of
// acc += A B over kb steps. a: packed A at this K block and first row
// (a[kk * kTileRows + i]); b: first panel at this K block and first chunk;
// acc: accumulator buffer at the first row and this sub-tile's column base
// (row stride kAccLd, panel p at p * kPanelCols). When `stream` is set this
// sub-tile is the first to touch the panel rows: it prefetches them ahead
// (L1) and `next` (the next panel block, or null) towards L2.
template <int R, int P, int CP, int CS>
void SubTile(const float* a, const float* b, int64_t stride, int64_t kb, float* acc,
             bool first, bool stream, const float* next) {
  constexpr int C = P * CP;
  __m256 c[R][C];
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 8
    for (int q = 0; q < C; ++q)
      c[i][q] = first ? _mm256_setzero_ps()
                      : _mm256_loadu_ps(acc + i * kAccLd + (q / CP) * kPanelCols + (q % CP) * CS);
  for (int64_t kk = 0; kk < kb; ++kk) {
    const float* bk = b + kk * kPanelCols;
    if (stream) {
#pragma GCC unroll 2
      for (int p = 0; p < P; ++p) {
        Prefetch0(bk + p * stride + kAhead * kPanelCols);
        Prefetch0(bk + p * stride + kAhead * kPanelCols + 16);
      }
      if (next) {
#pragma GCC unroll 2
        for (int p = 0; p < P; ++p) {
          Prefetch1(next + p * stride + kk * kPanelCols);
          Prefetch1(next + p * stride + kk * kPanelCols + 16);
        }
      }
    }
    const float* ak = a + kk * kTileRows;
    if constexpr (R == 1) {
      // One row: no reuse of B in registers, so FMA straight from memory.
      const __m256 av = _mm256_broadcast_ss(ak);
#pragma GCC unroll 8
      for (int q = 0; q < C; ++q)
        c[0][q] = _mm256_fmadd_ps(av, _mm256_loadu_ps(bk + (q / CP) * stride + (q % CP) * CS),
                                  c[0][q]);
    } else {
      __m256 bv[C];
#pragma GCC unroll 8
      for (int q = 0; q < C; ++q) bv[q] = _mm256_loadu_ps(bk + (q / CP) * stride + (q % CP) * CS);
#pragma GCC unroll 8
      for (int i = 0; i < R; ++i) {
        const __m256 av = _mm256_broadcast_ss(ak + i);
#pragma GCC unroll 8
        for (int q = 0; q < C; ++q) c[i][q] = _mm256_fmadd_ps(av, bv[q], c[i][q]);
      }
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 8
    for (int q = 0; q < C; ++q)
      _mm256_storeu_ps(acc + i * kAccLd + (q / CP) * kPanelCols + (q % CP) * CS, c[i][q]);
}

// Rows 1..6 of one panel's K block in chunks {q, q + 2}.
void PairSubTile(int rows, const float* a, const float* b, int64_t kb, float* acc, bool first,
                 bool stream, const float* next) {
  switch (rows) {
    case 1: return SubTile<1, 1, 2, 16>(a, b, 0, kb, acc, first, stream, next);
    case 2: return SubTile<2, 1, 2, 16>(a, b, 0, kb, acc, first, stream, next);
    case 3: return SubTile<3, 1, 2, 16>(a, b, 0, kb, acc, first, stream, next);
    case 4: return SubTile<4, 1, 2, 16>(a, b, 0, kb, acc, first, stream, next);
    case 5: return SubTile<5, 1, 2, 16>(a, b, 0, kb, acc, first, stream, next);
    default: return SubTile<6, 1, 2, 16>(a, b, 0, kb, acc, first, stream, next);
  }
}

// Rows 1..2 of one whole panel.
void FullSubTile(int rows, const float* a, const float* b, int64_t kb, float* acc, bool first,
                 bool stream, const float* next) {
  if (rows == 1) return SubTile<1, 1, 4, 8>(a, b, 0, kb, acc, first, stream, next);
  return SubTile<2, 1, 4, 8>(a, b, 0, kb, acc, first, stream, next);
}

void Accumulate(const TileJob<float>& job, float* acc) {
  const int64_t stride = job.b_panel_stride;
  if (job.rows <= 2) {
    // Decode: stream every panel once over the whole K.
    int p = 0;
    if (job.rows == 1) {
      for (; p + 2 <= job.panels; p += 2)
        SubTile<1, 2, 4, 8>(job.a, job.b + p * stride, stride, job.k, acc + p * kPanelCols, true,
                            true, job.prefetch ? job.prefetch + p * stride : nullptr);
    }
    for (; p < job.panels; ++p)
      FullSubTile(job.rows, job.a, job.b + p * stride, job.k, acc + p * kPanelCols, true, true,
                  job.prefetch ? job.prefetch + p * stride : nullptr);
    return;
  }
  const int main_rows = job.rows < 6 ? job.rows : 6;
  const int rest = job.rows - main_rows;
  for (int p = 0; p < job.panels; ++p) {
    const float* bp = job.b + p * stride;
    const float* next = job.prefetch ? job.prefetch + p * stride : nullptr;
    float* accp = acc + p * kPanelCols;
    for (int64_t k0 = 0; k0 < job.k; k0 += kKBlock) {
      const int64_t kb = job.k - k0 < kKBlock ? job.k - k0 : kKBlock;
      const bool first = k0 == 0;
      const float* a0 = job.a + k0 * kTileRows;
      const float* b0 = bp + k0 * kPanelCols;
      const float* n0 = next ? next + k0 * kPanelCols : nullptr;
      PairSubTile(main_rows, a0, b0, kb, accp, first, true, n0);
      PairSubTile(main_rows, a0, b0 + kChunk, kb, accp + kChunk, first, false, nullptr);
      if (rest > 0)
        FullSubTile(rest, a0 + main_rows, b0, kb, accp + main_rows * kAccLd, first, false,
                    nullptr);
    }
  }
}

// Writes chunk v (n of its lanes, 1 <= n <= 8) to dst.
inline void Put(float* dst, __m256 v, int n) {
  if (n >= kChunk) {
    _mm256_storeu_ps(dst, v);
  } else {
    Ops::StoreN(dst, v, n);
  }
}

inline int Lanes(int cols, int chunk) {
  const int n = cols - chunk * kChunk;
  return n < 0 ? 0 : n > kChunk ? kChunk : n;
}

void Epilogue(const TileJob<float>& job, const float* acc) {
  for (int i = 0; i < job.rows; ++i) {
    for (int p = 0; p < job.panels; ++p) {
      const float* v = acc + i * kAccLd + p * kPanelCols;
      const int64_t off = p * job.c_panel_step;
      const int cols = job.cols[p];
      float* c = job.c[i] + off;
      switch (job.epilogue) {
        case kEpilogueStore: {
          const __m256 s = _mm256_set1_ps(job.scale[i]);
          for (int h = 0; h < kPanelCols / kChunk; ++h) {
            const int n = Lanes(cols, h);
            if (n == 0) break;
            __m256 y = _mm256_mul_ps(_mm256_loadu_ps(v + h * kChunk), s);
            if (job.accumulate) {
              const __m256 old = n == kChunk ? _mm256_loadu_ps(c + h * kChunk)
                                             : Ops::LoadN(c + h * kChunk, n);
              y = _mm256_add_ps(y, old);
            }
            Put(c + h * kChunk, y, n);
          }
          break;
        }
        case kEpilogueSwiGlu: {
          for (int h = 0; h < kPanelCols / (2 * kChunk); ++h) {
            const int n = Lanes(cols, h);
            if (n == 0) break;
            const __m256 g = _mm256_loadu_ps(v + h * kChunk);
            const __m256 u = _mm256_loadu_ps(v + kPanelCols / 2 + h * kChunk);
            Put(c + h * kChunk, _mm256_mul_ps(SiluV<Ops>(g), u), n);
            if (job.pre_g[i]) Put(job.pre_g[i] + off + h * kChunk, g, n);
            if (job.pre_u[i]) Put(job.pre_u[i] + off + h * kChunk, u, n);
          }
          break;
        }
        default: {
          const bool relu = job.epilogue == kEpilogueRelu;
          for (int h = 0; h < kPanelCols / kChunk; ++h) {
            const int n = Lanes(cols, h);
            if (n == 0) break;
            const __m256 z = _mm256_loadu_ps(v + h * kChunk);
            Put(c + h * kChunk, relu ? _mm256_max_ps(z, _mm256_setzero_ps()) : GeluV<Ops>(z), n);
            if (job.pre_g[i]) Put(job.pre_g[i] + off + h * kChunk, z, n);
          }
        }
      }
    }
  }
}

}  // namespace

void RunTile(const TileJob<float>& job) {
  alignas(32) float acc[kTileRows * kAccLd];
  Accumulate(job, acc);
  Epilogue(job, acc);
}

void PackRows(const float* const* src, int rows, int64_t kc, float* dst) {
  PackRows8(src, rows, kc, dst);
}

void SiluMul(const float* g, const float* u, float* h, int64_t n) { SiluMulRow<Ops>(g, u, h, n); }

float SwiGluBackward(const float* g, const float* u, const float* z, const float* h, float w,
                     int64_t n, float* dg, float* du) {
  return SwiGluBackwardRow<Ops>(g, u, z, h, w, n, dg, du);
}

void FmaSpin(int64_t iters, float* sink) { FmaSpinLoop<Ops>(iters, sink); }

}  // namespace expertlab::moe::avx2
