// AVX-512 float tile kernel. This file is compiled with -mavx512f -mavx512vl
// -mavx512dq -mfma (see CMakeLists.txt) and includes nothing but intrinsics
// and plain-data headers, so no AVX-512 copy of a shared inline function can
// leak into the rest of the program. Everything here has internal linkage
// except the entry points declared in microkernel_avx512.h.
#include "algorithms/moe/microkernel_avx512.h"

#include <immintrin.h>

namespace expertlab::moe::avx512 {
namespace {

// exp(x) for 16 lanes: Cody-Waite range reduction x = n ln2 + r with
// |r| <= ln2/2, a degree-6 polynomial for e^r (the classic Cephes expf
// coefficients, relative error ~1e-7) and scalef for the 2^n. Inputs are
// clamped to the float range so SiLU/GELU of huge |z| saturate cleanly.
inline __m512 Exp(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)),
                    _mm512_set1_ps(88.7f));
  const __m512 n = _mm512_roundscale_ps(
      _mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, n);
}

inline __m512 Silu(__m512 g) {
  const __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_div_ps(g, _mm512_add_ps(one, Exp(_mm512_sub_ps(_mm512_setzero_ps(), g))));
}

// 0.5 z (1 + tanh(c (z + 0.044715 z^3))), tanh(y) = 1 - 2 / (e^{2y} + 1).
inline __m512 Gelu(__m512 z) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 z3 = _mm512_mul_ps(_mm512_mul_ps(z, z), z);
  const __m512 y = _mm512_mul_ps(_mm512_set1_ps(0.7978845608028654f),
                                 _mm512_fmadd_ps(_mm512_set1_ps(0.044715f), z3, z));
  const __m512 e = Exp(_mm512_add_ps(y, y));
  const __m512 t = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, one)));
  return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), z), _mm512_add_ps(one, t));
}

inline __mmask16 Mask(int n) {
  if (n >= 16) return static_cast<__mmask16>(0xFFFF);
  if (n <= 0) return 0;
  return static_cast<__mmask16>((1u << n) - 1u);
}

inline void StoreOut(float* dst, __m512 v, __mmask16 m, bool accumulate) {
  if (accumulate) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, dst));
  _mm512_mask_storeu_ps(dst, m, v);
}

template <int R, int P>
void Tile(const TileJob<float>& job) {
  __m512 acc[R][P][2];
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p) acc[i][p][0] = acc[i][p][1] = _mm512_setzero_ps();

  const float* a = job.a;
  const float* b = job.b;
  const int64_t stride = job.b_panel_stride;
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
    if (job.prefetch) {
#pragma GCC unroll 4
      for (int p = 0; p < P; ++p) {
        const char* next = reinterpret_cast<const char*>(job.prefetch + p * stride + kk * kPanelCols);
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
      const int cols = job.cols[p];
      const int64_t off = p * job.c_panel_step;
      switch (job.epilogue) {
        case kEpilogueStore: {
          const __m512 s = _mm512_set1_ps(job.scale[i]);
          StoreOut(job.c[i] + off, _mm512_mul_ps(acc[i][p][0], s), Mask(cols), accumulate);
          StoreOut(job.c[i] + off + 16, _mm512_mul_ps(acc[i][p][1], s), Mask(cols - 16),
                   accumulate);
          break;
        }
        case kEpilogueSwiGlu: {
          const __m512 g = acc[i][p][0], u = acc[i][p][1];
          const __mmask16 m = Mask(cols);
          _mm512_mask_storeu_ps(job.c[i] + off, m, _mm512_mul_ps(Silu(g), u));
          if (job.pre_g[i]) _mm512_mask_storeu_ps(job.pre_g[i] + off, m, g);
          if (job.pre_u[i]) _mm512_mask_storeu_ps(job.pre_u[i] + off, m, u);
          break;
        }
        default: {
          const bool relu = job.epilogue == kEpilogueRelu;
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

using TileFn = void (*)(const TileJob<float>&);

// Instances whose accumulators fit the register file: rows * panels <= 8.
TileFn Pick(int rows, int panels) {
  if (panels >= 4 && rows <= 2) return rows == 1 ? Tile<1, 4> : Tile<2, 4>;
  if (panels >= 2 && rows <= 4) {
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

}  // namespace

void RunTile(const TileJob<float>& job) {
  // The caller (kernels.cc, TilePanels) asks only for supported shapes.
  Pick(job.rows, job.panels)(job);
}

void PackRows(const float* const* src, int rows, int64_t kc, float* dst) {
  int64_t kk = 0;
  if (rows == kTileRows) {
    for (; kk + 8 <= kc; kk += 8) {
      __m256 r[8];
      for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src[i] + kk);
      // 8x8 transpose: unpack pairs, shuffle quads, swap 128-bit halves.
      const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
      const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
      const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
      const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
      const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
      const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
      const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
      const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
      float* out = dst + kk * kTileRows;
      _mm256_storeu_ps(out + 0 * 8, _mm256_permute2f128_ps(u0, u4, 0x20));
      _mm256_storeu_ps(out + 1 * 8, _mm256_permute2f128_ps(u1, u5, 0x20));
      _mm256_storeu_ps(out + 2 * 8, _mm256_permute2f128_ps(u2, u6, 0x20));
      _mm256_storeu_ps(out + 3 * 8, _mm256_permute2f128_ps(u3, u7, 0x20));
      _mm256_storeu_ps(out + 4 * 8, _mm256_permute2f128_ps(u0, u4, 0x31));
      _mm256_storeu_ps(out + 5 * 8, _mm256_permute2f128_ps(u1, u5, 0x31));
      _mm256_storeu_ps(out + 6 * 8, _mm256_permute2f128_ps(u2, u6, 0x31));
      _mm256_storeu_ps(out + 7 * 8, _mm256_permute2f128_ps(u3, u7, 0x31));
    }
  }
  for (int i = 0; i < rows; ++i)
    for (int64_t j = kk; j < kc; ++j) dst[j * kTileRows + i] = src[i][j];
}

void SiluMul(const float* g, const float* u, float* h, int64_t n) {
  for (int64_t j = 0; j < n; j += 16) {
    const __mmask16 m = Mask(static_cast<int>(n - j < 16 ? n - j : 16));
    const __m512 gv = _mm512_maskz_loadu_ps(m, g + j);
    const __m512 uv = _mm512_maskz_loadu_ps(m, u + j);
    _mm512_mask_storeu_ps(h + j, m, _mm512_mul_ps(Silu(gv), uv));
  }
}

float SwiGluBackward(const float* g, const float* u, const float* z,
                     const float* h, float w, int64_t n, float* dg, float* du) {
  const __m512 one = _mm512_set1_ps(1.0f), wv = _mm512_set1_ps(w);
  __m512 dot = _mm512_setzero_ps();
  for (int64_t j = 0; j < n; j += 16) {
    const __mmask16 m = Mask(static_cast<int>(n - j < 16 ? n - j : 16));
    const __m512 gv = _mm512_maskz_loadu_ps(m, g + j);
    const __m512 uv = _mm512_maskz_loadu_ps(m, u + j);
    const __m512 zv = _mm512_maskz_loadu_ps(m, z + j);
    dot = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, h + j), zv, dot);
    const __m512 sig = _mm512_div_ps(one, _mm512_add_ps(one, Exp(_mm512_sub_ps(_mm512_setzero_ps(), gv))));
    const __m512 dh = _mm512_mul_ps(wv, zv);
    _mm512_mask_storeu_ps(du + j, m, _mm512_mul_ps(dh, _mm512_mul_ps(gv, sig)));
    // silu'(g) = sig (1 + g (1 - sig))
    const __m512 dsilu = _mm512_mul_ps(sig, _mm512_fmadd_ps(gv, _mm512_sub_ps(one, sig), one));
    _mm512_mask_storeu_ps(dg + j, m, _mm512_mul_ps(_mm512_mul_ps(dh, uv), dsilu));
  }
  float lanes[16];
  _mm512_storeu_ps(lanes, dot);
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}

void FmaSpin(int64_t iters, float* sink) {
  __m512 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm512_set1_ps(static_cast<float>(i) * 1e-3f);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  }
  __m512 s = acc[0];
  for (int i = 1; i < 12; ++i) s = _mm512_add_ps(s, acc[i]);
  float lanes[16];
  _mm512_storeu_ps(lanes, s);
  float total = 0;
  for (float v : lanes) total += v;
  *sink = total;
}

}  // namespace expertlab::moe::avx512
