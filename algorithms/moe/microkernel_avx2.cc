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
//   - Prefill tiles (3..8 rows) are cut into sub-tiles: 4-6 rows x
//     chunks {q, q + 2} for q = 0, 1 ("pair": up to 12 accumulators, 2 B
//     loads and 6 broadcasts per k step; for SwiGLU exactly a gate chunk
//     and its up chunk), and 1-3 remaining rows x all four chunks ("full":
//     3 rows = 12 accumulators, 3 broadcasts and 4 B loads); see kSplit.
//     A sub-tile sees only part of a panel row, so the tile walks K in
//     blocks of kKBlock steps (an 8 KB slice of the panel, resident in L1
//     for the other sub-tiles) and parks the accumulators in a small
//     stack buffer between blocks. Each output still accumulates over k in
//     ascending order with one accumulator, so the K blocking changes no
//     result bit.
//   - Decode tiles (1-2 rows) have no reuse of B to exploit: one row spans
//     two panels (8 accumulators, FMAs with memory operands), two rows one
//     panel, over the whole K at once, streaming each weight byte once.
// With 2 FMA pipes of latency 4 (as on Zen 3 and recent Intel cores), 8+
// independent accumulators keep them busy; 2 256-bit loads per cycle.
// The weight stream: while the pair sub-tiles compute a K block they pull
// the next one from L2 into L1 (one line per k step each), so L2 -> L1
// traffic is spread over the tile instead of stalling one sub-tile, which
// would stream a 128-byte panel row per 10 FMAs and be bound by L2
// bandwidth. A block nobody pulled (a tile's first, TileJob::next_b unset)
// is prefetched kAhead rows ahead by its first sub-tile. Every sub-tile also pulls its tile's share of
// the next panel block (TileJob::prefetch_first/_lines) towards L2, a few
// lines at each sub-tile call (per step in decode), so DRAM streams while
// the block's later row tiles compute from cache.
#include <immintrin.h>

#include <cstdint>

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
    const __m256i e =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
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

constexpr int kChunk = 8;                            // floats per ymm
constexpr int kAccLd = kMaxTilePanels * kPanelCols;  // accumulator row stride
// K steps per L1 block in prefill tiles: the block being computed and the
// next one being pulled in (kKBlock * 128 B of the panel each) plus
// kKBlock * 32 B of packed A stay well within the 32 KB L1D.
constexpr int64_t kKBlock = 64;
// Weight rows fetched ahead within a panel by the streaming sub-tile.
constexpr int64_t kAhead = 32;

inline void Prefetch0(const float* p) {
  _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0);
}
inline void Prefetch1(const float* p) {
  _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T1);
}

// A share of the next panel block to pull towards L2: `left` 64-byte lines
// from `line`. Decode sub-tiles (one call over the whole K) pull per step,
// every `every` steps the next `per` (1 or 2) lines; prefill sub-tiles (many
// short calls) pull up to `burst` lines per call in two halves, on entry
// and half-way, which keeps the cursor's bookkeeping out of the FMA loop.
struct PullCursor {
  const float* line = nullptr;
  int64_t left = 0;
  int64_t every = 1, count = 1;
  int per = 1;
  int64_t burst = 0;
};

// R rows x (P panels x CP chunks, chunk q of panel p at column q * CS) of
// acc += A B over kb steps. a: packed A at this K block and first row
// (a[kk * kTileRows + i]); b: first panel at this K block and first chunk;
// acc: accumulator buffer at the first row and this sub-tile's column base
// (row stride kAccLd, panel p at p * kPanelCols). A streaming sub-tile
// (kStream) is the first to touch these panel rows and prefetches them
// ahead into L1; every sub-tile advances the pull cursors pf[0..P) (those
// with a base): per step (kPerStep) or in two bursts per call. `next`, if
// set, is pulled into L1 one line per step.
template <int R, int P, int CP, int CS, bool kStream, bool kPerStep>
void SubTile(const float* a, const float* b, int64_t stride, int64_t kb, float* acc, bool first,
             PullCursor* pf, const float* next = nullptr) {
  constexpr int C = P * CP;
  // Burst pulls: half of the call's share on entry, the rest half-way.
  auto burst = [&](int64_t want) {
#pragma GCC unroll 2
    for (int p = 0; p < P; ++p) {
      const int64_t n = pf[p].left < want ? pf[p].left : want;
      for (int64_t i = 0; i < n; ++i) Prefetch1(pf[p].line + 16 * i);
      pf[p].line += 16 * n;
      pf[p].left -= n;
    }
  };
  const int64_t first_burst = (pf[0].burst + 1) / 2;
  if constexpr (!kPerStep) burst(first_burst);
  // Register budget (16 ymm): R C accumulators plus either the C B chunks
  // and one broadcast, or the R broadcasts and one B chunk.
  constexpr bool kHoldB = R * C + C + 1 <= 16;
  static_assert(kHoldB || R * C + R + 1 <= 16, "sub-tile exceeds the register file");
  __m256 c[R][C];
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 8
    for (int q = 0; q < C; ++q)
      c[i][q] = first ? _mm256_setzero_ps()
                      : _mm256_loadu_ps(acc + i * kAccLd + (q / CP) * kPanelCols + (q % CP) * CS);
  // The cursors live in registers during the loop.
  const float* pull_line[P];
  int64_t pull_left[P], pull_count[P];
#pragma GCC unroll 2
  for (int p = 0; p < P; ++p) {
    pull_line[p] = pf[p].line;
    pull_left[p] = pf[p].left;
    pull_count[p] = pf[p].count;
  }
  const int64_t every = pf[0].every;
  const int per = pf[0].per;
  // The L1 pull of `next` reads a real address on every step; without a
  // next block it re-touches this sub-tile's own A rows (in L1 already),
  // which keeps the test out of the loop.
  const float* pull_next = next ? next : a;
  const int64_t pull_next_step = next ? 16 : kTileRows;
  // Prefill sub-tiles run the k loop in two parts around the second burst
  // of pulls, each part unrolled by two with no test inside the loop.
  // Decode sub-tiles (per-step pulls) run the whole K as part one.
  const int64_t split = kPerStep ? kb : kb / 2;
  for (int part = 0; part < 2; ++part) {
    if (part == 1 && !kPerStep) burst(pf[0].burst - first_burst);
    const int64_t from = part == 0 ? 0 : split, to = part == 0 ? split : kb;
#pragma GCC unroll 2
    for (int64_t kk = from; kk < to; ++kk) {
      const float* bk = b + kk * kPanelCols;
      Prefetch0(pull_next + kk * pull_next_step);
      if constexpr (kStream) {
#pragma GCC unroll 2
        for (int p = 0; p < P; ++p) {
          Prefetch0(bk + p * stride + kAhead * kPanelCols);
          Prefetch0(bk + p * stride + kAhead * kPanelCols + 16);
        }
      }
      if constexpr (kPerStep) {
#pragma GCC unroll 2
        for (int p = 0; p < P; ++p) {
          if (--pull_count[p] == 0 && pull_left[p] > 0) {
            Prefetch1(pull_line[p]);
            Prefetch1(pull_line[p] + 16 * (per - 1));
            pull_line[p] += 16 * per;
            pull_left[p] -= per;
            pull_count[p] = every;
          }
        }
      }
      const float* ak = a + kk * kTileRows;
      if constexpr (R == 1) {
        // One row: no reuse of B in registers, so FMA straight from memory.
        const __m256 av = _mm256_broadcast_ss(ak);
#pragma GCC unroll 8
        for (int q = 0; q < C; ++q)
          c[0][q] =
              _mm256_fmadd_ps(av, _mm256_loadu_ps(bk + (q / CP) * stride + (q % CP) * CS), c[0][q]);
      } else if constexpr (kHoldB) {
        __m256 bv[C];
#pragma GCC unroll 8
        for (int q = 0; q < C; ++q) bv[q] = _mm256_loadu_ps(bk + (q / CP) * stride + (q % CP) * CS);
#pragma GCC unroll 8
        for (int i = 0; i < R; ++i) {
          const __m256 av = _mm256_broadcast_ss(ak + i);
#pragma GCC unroll 8
          for (int q = 0; q < C; ++q) c[i][q] = _mm256_fmadd_ps(av, bv[q], c[i][q]);
        }
      } else {
        __m256 av[R];
#pragma GCC unroll 8
        for (int i = 0; i < R; ++i) av[i] = _mm256_broadcast_ss(ak + i);
#pragma GCC unroll 8
        for (int q = 0; q < C; ++q) {
          const __m256 bv = _mm256_loadu_ps(bk + (q / CP) * stride + (q % CP) * CS);
#pragma GCC unroll 8
          for (int i = 0; i < R; ++i) c[i][q] = _mm256_fmadd_ps(av[i], bv, c[i][q]);
        }
      }
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 8
    for (int q = 0; q < C; ++q)
      _mm256_storeu_ps(acc + i * kAccLd + (q / CP) * kPanelCols + (q % CP) * CS, c[i][q]);
  if constexpr (kPerStep) {
#pragma GCC unroll 2
    for (int p = 0; p < P; ++p) {
      pf[p].line = pull_line[p];
      pf[p].left = pull_left[p];
      pf[p].count = pull_count[p];
    }
  }
}

// Rows 1..6 of one panel's K block in chunks {q, q + 2}.
template <bool kStream>
void PairSubTile(int rows, const float* a, const float* b, int64_t kb, float* acc, bool first,
                 PullCursor* pf, const float* next) {
  switch (rows) {
    case 1: return SubTile<1, 1, 2, 16, kStream, false>(a, b, 0, kb, acc, first, pf, next);
    case 2: return SubTile<2, 1, 2, 16, kStream, false>(a, b, 0, kb, acc, first, pf, next);
    case 3: return SubTile<3, 1, 2, 16, kStream, false>(a, b, 0, kb, acc, first, pf, next);
    case 4: return SubTile<4, 1, 2, 16, kStream, false>(a, b, 0, kb, acc, first, pf, next);
    case 5: return SubTile<5, 1, 2, 16, kStream, false>(a, b, 0, kb, acc, first, pf, next);
    default: return SubTile<6, 1, 2, 16, kStream, false>(a, b, 0, kb, acc, first, pf, next);
  }
}

// Rows 1..3 of one whole panel.
template <bool kStream, bool kPerStep>
void FullSubTile(int rows, const float* a, const float* b, int64_t kb, float* acc, bool first,
                 PullCursor* pf) {
  switch (rows) {
    case 1: return SubTile<1, 1, 4, 8, kStream, kPerStep>(a, b, 0, kb, acc, first, pf);
    case 2: return SubTile<2, 1, 4, 8, kStream, kPerStep>(a, b, 0, kb, acc, first, pf);
    default: return SubTile<3, 1, 4, 8, kStream, kPerStep>(a, b, 0, kb, acc, first, pf);
  }
}

// Prefill split of a tile's rows: pair sub-tiles of 5-6 rows (10-12
// accumulators, 2 B loads and 5-6 broadcasts per k step) come closest to
// the FMA peak; whole-panel sub-tiles of 3 rows (12 accumulators, 7 loads
// per 12 FMAs) are the best remainder, 1-2 rows (4-8 accumulators) are
// bound by FMA latency.
//   rows 8: 5 pair + 3 full   rows 7: 5 pair + 2 full   rows 3: 3 full
//   rows 4..6: all pair
struct RowSplit {
  int pair_rows, full_rows;
};
constexpr RowSplit kSplit[kTileRows + 1] = {{0, 0}, {0, 1}, {0, 2}, {0, 3}, {4, 0},
                                            {5, 0}, {6, 0}, {5, 2}, {5, 3}};

// Panel p's share of the next block (no pulls if the job has none).
PullCursor PullShare(const TileJob<float>& job, int p) {
  PullCursor pf;
  if (!job.prefetch || job.prefetch_lines <= 0) return pf;
  pf.line = job.prefetch + p * job.b_panel_stride + job.prefetch_first * 16;
  pf.left = job.prefetch_lines;
  return pf;
}

// The pull cursor of panel p for `steps` k steps of sub-tile work.
PullCursor PullFor(const TileJob<float>& job, int p, int64_t steps) {
  PullCursor pf = PullShare(job, p);
  if (pf.left == 0) return pf;
  pf.per = job.prefetch_lines > steps ? 2 : 1;
  pf.every = pf.per == 2 ? 1 : steps / job.prefetch_lines;
  pf.count = 1;
  return pf;
}

// The pull cursor of panel p shared out over `calls` sub-tile calls.
PullCursor PullInBursts(const TileJob<float>& job, int p, int64_t calls) {
  PullCursor pf = PullShare(job, p);
  pf.burst = (pf.left + calls - 1) / calls;
  return pf;
}

// Prefill tiles (3..8 rows): K blocks of kKBlock steps, each walked by the
// sub-tiles of kSplit; see the file comment for the weight stream.
void Prefill(const TileJob<float>& job, float* acc) {
  const int64_t stride = job.b_panel_stride;
  const RowSplit split = kSplit[job.rows];
  const int64_t passes = (split.pair_rows > 0 ? 2 : 0) + (split.full_rows > 0 ? 1 : 0);
  for (int p = 0; p < job.panels; ++p) {
    const float* bp = job.b + p * stride;
    float* accp = acc + p * kPanelCols;
    PullCursor pf = PullInBursts(job, p, passes * ((job.k + kKBlock - 1) / kKBlock));
    for (int64_t k0 = 0; k0 < job.k; k0 += kKBlock) {
      const int64_t kb = job.k - k0 < kKBlock ? job.k - k0 : kKBlock;
      const bool first = k0 == 0;
      const float* a0 = job.a + k0 * kTileRows;
      const float* b0 = bp + k0 * kPanelCols;
      // The pair sub-tiles pull the next K block (this panel's, else the
      // next tile's first) into L1, one line per k step each. Only a block
      // nobody pulled, the first of a tile, is streamed by its first sub-tile.
      const float* next = k0 + kb < job.k      ? b0 + kb * kPanelCols
                          : p + 1 < job.panels ? bp + stride
                                               : job.next_b;
      if (split.pair_rows > 0) {
        if (first) {
          PairSubTile<true>(split.pair_rows, a0, b0, kb, accp, first, &pf, next);
        } else {
          PairSubTile<false>(split.pair_rows, a0, b0, kb, accp, first, &pf, next);
        }
        PairSubTile<false>(split.pair_rows, a0, b0 + kChunk, kb, accp + kChunk, first, &pf,
                           next ? next + kb * 16 : nullptr);
      }
      if (split.full_rows > 0) {
        const int r0 = split.pair_rows;
        if (r0 == 0) {
          FullSubTile<true, false>(split.full_rows, a0, b0, kb, accp, first, &pf);
        } else {
          FullSubTile<false, false>(split.full_rows, a0 + r0, b0, kb, accp + r0 * kAccLd, first,
                                    &pf);
        }
      }
    }
  }
}

void Accumulate(const TileJob<float>& job, float* acc) {
  const int64_t stride = job.b_panel_stride;
  if (job.rows <= 2) {
    // Decode: stream every panel once over the whole K.
    int p = 0;
    if (job.rows == 1) {
      for (; p + 2 <= job.panels; p += 2) {
        PullCursor pf[2] = {PullFor(job, p, job.k), PullFor(job, p + 1, job.k)};
        SubTile<1, 2, 4, 8, true, true>(job.a, job.b + p * stride, stride, job.k,
                                        acc + p * kPanelCols, true, pf);
      }
    }
    for (; p < job.panels; ++p) {
      PullCursor pf = PullFor(job, p, job.k);
      FullSubTile<true, true>(job.rows, job.a, job.b + p * stride, job.k, acc + p * kPanelCols,
                              true, &pf);
    }
    return;
  }
  Prefill(job, acc);
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

// The epilogue of the whole tile from its accumulators.
void WriteOut(const TileJob<float>& job, const float* acc) {
  for (int i = 0; i < job.rows; ++i) {
    for (int p = 0; p < job.panels; ++p) {
      const float* v = acc + i * kAccLd + p * kPanelCols;
      const int64_t off = p * job.c_panel_step;
      const int cols = job.cols[p];
      float* c = job.c[i] + off;
      switch (job.epilogue) {
        case Epilogue::kStore: {
          const __m256 s = _mm256_set1_ps(job.scale[i]);
          // Non-temporal only from a cache-line start, so pairs of chunks
          // fill whole lines in the write-combining buffers.
          const bool stream = job.stream && (reinterpret_cast<uintptr_t>(c) & 63) == 0;
          for (int h = 0; h < kPanelCols / kChunk; ++h) {
            const int n = Lanes(cols, h);
            if (n == 0) break;
            __m256 y = _mm256_mul_ps(_mm256_loadu_ps(v + h * kChunk), s);
            if (job.accumulate) {
              const __m256 old =
                  n == kChunk ? _mm256_loadu_ps(c + h * kChunk) : Ops::LoadN(c + h * kChunk, n);
              y = _mm256_add_ps(y, old);
            }
            if (stream && n == kChunk) {
              _mm256_stream_ps(c + h * kChunk, y);
            } else {
              Put(c + h * kChunk, y, n);
            }
          }
          break;
        }
        case Epilogue::kSwiGlu: {
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
          const bool relu = job.epilogue == Epilogue::kRelu;
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

void RunTile(const TileJob<float>& job) {
  alignas(32) float acc[kTileRows * kAccLd];
  Accumulate(job, acc);
  WriteOut(job, acc);
}

}  // namespace

FloatKernels Kernels() { return SimdFloatKernels<Ops>(Isa::kAvx2Fma, "avx2_fma", RunTile); }

}  // namespace expertlab::moe::avx2
