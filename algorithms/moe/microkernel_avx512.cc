// AVX-512 float tile kernel. This file is compiled with -mavx512f -mavx512vl
// -mavx512dq -mfma (see CMakeLists.txt) and includes nothing but intrinsics
// and plain-data headers, so no AVX-512 copy of a shared inline function can
// leak into the rest of the program. Everything here has internal linkage
// except the entry points declared in microkernels.h; the exp/SiLU/GELU
// polynomials are shared with the AVX2 kernel through simd_math.h.
#include <immintrin.h>

#include <cstdint>

#include "algorithms/moe/microkernels.h"
#include "algorithms/moe/simd_math.h"

namespace expertlab::moe::avx512 {
namespace {

inline __mmask16 Mask(int n);

struct Ops {
  using V = __m512;
  static constexpr int kLanes = 16;
  static V Set1(float x) { return _mm512_set1_ps(x); }
  static V Zero() { return _mm512_setzero_ps(); }
  static V Add(V a, V b) { return _mm512_add_ps(a, b); }
  static V Sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V Mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V Div(V a, V b) { return _mm512_div_ps(a, b); }
  static V Min(V a, V b) { return _mm512_min_ps(a, b); }
  static V Max(V a, V b) { return _mm512_max_ps(a, b); }
  static V Fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V Fnma(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
  static V Round(V x) {
    return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static V Pow2Scale(V p, V n) { return _mm512_scalef_ps(p, n); }
  static V Load(const float* p) { return _mm512_loadu_ps(p); }
  static void Store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V LoadN(const float* p, int n) { return _mm512_maskz_loadu_ps(Mask(n), p); }
  static void StoreN(float* p, V v, int n) { _mm512_mask_storeu_ps(p, Mask(n), v); }
  static float ReduceAdd(V v) {
    float lanes[kLanes];
    _mm512_storeu_ps(lanes, v);
    float total = 0;
    for (float x : lanes) total += x;
    return total;
  }
};

inline __m512 Silu(__m512 g) { return SiluV<Ops>(g); }
inline __m512 Gelu(__m512 z) { return GeluV<Ops>(z); }

inline __mmask16 Mask(int n) {
  if (n >= 16) return static_cast<__mmask16>(0xFFFF);
  if (n <= 0) return 0;
  return static_cast<__mmask16>((1u << n) - 1u);
}

inline void StoreOut(float* dst, __m512 v, __mmask16 m, bool accumulate, bool stream) {
  if (accumulate) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, dst));
  if (stream && m == 0xFFFF && (reinterpret_cast<uintptr_t>(dst) & 63) == 0) {
    _mm512_stream_ps(dst, v);
  } else {
    _mm512_mask_storeu_ps(dst, m, v);
  }
}

// R rows x panels [p0, p0 + P) of the tile: 2 R P accumulators plus 2 P
// B vectors, so callers keep R P <= 8 within the 32 zmm registers.
template <int R, int P>
void Tile(const TileJob<float>& job, int p0) {
  __m512 acc[R][P][2];
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p) acc[i][p][0] = acc[i][p][1] = _mm512_setzero_ps();

  const float* a = job.a;
  const int64_t stride = job.b_panel_stride;
  const float* b = job.b + p0 * stride;
  const int64_t k = job.k;
  for (int64_t kk = 0; kk < k; ++kk) {
    __m512 bv[P][2];
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p) {
      const float* bp = b + p * stride + kk * kPanelCols;
      bv[p][0] = _mm512_loadu_ps(bp);
      bv[p][1] = _mm512_loadu_ps(bp + 16);
      // Weights stream from memory once per tile row block; fetch ahead.
      _mm_prefetch(reinterpret_cast<const char*>(bp + 64 * kPanelCols), _MM_HINT_T0);
    }
    if (job.prefetch && job.prefetch_first == 0) {
#pragma GCC unroll 4
      for (int p = 0; p < P; ++p) {
        const char* next =
            reinterpret_cast<const char*>(job.prefetch + (p0 + p) * stride + kk * kPanelCols);
        _mm_prefetch(next, _MM_HINT_T1);
        _mm_prefetch(next + 64, _MM_HINT_T1);
      }
    }
    const float* ak = a + kk * kTileRows;
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
      const __m512 av = _mm512_set1_ps(ak[i]);
#pragma GCC unroll 4
      for (int p = 0; p < P; ++p) {
        acc[i][p][0] = _mm512_fmadd_ps(av, bv[p][0], acc[i][p][0]);
        acc[i][p][1] = _mm512_fmadd_ps(av, bv[p][1], acc[i][p][1]);
      }
    }
  }

  const bool accumulate = job.accumulate != 0;
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i) {
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p) {
      const int cols = job.cols[p0 + p];
      const int64_t off = (p0 + p) * job.c_panel_step;
      switch (job.epilogue) {
        case Epilogue::kStore: {
          const __m512 s = _mm512_set1_ps(job.scale[i]);
          StoreOut(job.c[i] + off, _mm512_mul_ps(acc[i][p][0], s), Mask(cols), accumulate,
                   job.stream);
          StoreOut(job.c[i] + off + 16, _mm512_mul_ps(acc[i][p][1], s), Mask(cols - 16), accumulate,
                   job.stream);
          break;
        }
        case Epilogue::kSwiGlu: {
          const __m512 g = acc[i][p][0], u = acc[i][p][1];
          const __mmask16 m = Mask(cols);
          _mm512_mask_storeu_ps(job.c[i] + off, m, _mm512_mul_ps(Silu(g), u));
          if (job.pre_g[i]) _mm512_mask_storeu_ps(job.pre_g[i] + off, m, g);
          if (job.pre_u[i]) _mm512_mask_storeu_ps(job.pre_u[i] + off, m, u);
          break;
        }
        default: {
          const bool relu = job.epilogue == Epilogue::kRelu;
          for (int h = 0; h < 2; ++h) {
            const __m512 z = acc[i][p][h];
            const __mmask16 m = Mask(cols - 16 * h);
            const __m512 y = relu ? _mm512_max_ps(z, _mm512_setzero_ps()) : Gelu(z);
            _mm512_mask_storeu_ps(job.c[i] + off + 16 * h, m, y);
            if (job.pre_g[i]) _mm512_mask_storeu_ps(job.pre_g[i] + off + 16 * h, m, z);
          }
        }
      }
    }
  }
}

using TileFn = void (*)(const TileJob<float>&, int);

// Panels per pass over the tile for `rows` rows: the widest of 4, 2, 1 that
// keeps rows * panels <= 8 and does not pass the `left` panels remaining.
int PassPanels(int rows, int left) {
  int want = rows <= 2 ? 4 : rows <= 4 ? 2 : 1;
  while (want > left) want /= 2;
  return want;
}

// The instance for a pass of PassPanels(rows, ...) panels.
TileFn Pick(int rows, int panels) {
  if (panels == 4) return rows == 1 ? Tile<1, 4> : Tile<2, 4>;
  if (panels == 2) {
    switch (rows) {
      case 1: return Tile<1, 2>;
      case 2: return Tile<2, 2>;
      case 3: return Tile<3, 2>;
      default: return Tile<4, 2>;
    }
  }
  switch (rows) {
    case 1: return Tile<1, 1>;
    case 2: return Tile<2, 1>;
    case 3: return Tile<3, 1>;
    case 4: return Tile<4, 1>;
    case 5: return Tile<5, 1>;
    case 6: return Tile<6, 1>;
    case 7: return Tile<7, 1>;
    default: return Tile<8, 1>;
  }
}

// Any tile of tile.h (1..kTileRows rows, 1..kMaxTilePanels panels): the
// panels are walked in register-sized passes, so a shape wider than the
// register file (say 8 rows x 4 panels, or 3 panels) is still computed in
// full. The engine's shapes (TilePanels in kernels.cc) take one pass. Each
// output still sums over k ascending in one accumulator, so the split
// changes no result bit.
void RunTile(const TileJob<float>& job) {
  for (int p = 0; p < job.panels;) {
    const int np = PassPanels(job.rows, job.panels - p);
    Pick(job.rows, np)(job, p);
    p += np;
  }
}

}  // namespace

FloatKernels Kernels() { return SimdFloatKernels<Ops>(Isa::kAvx512, "avx512", RunTile); }

}  // namespace expertlab::moe::avx512
