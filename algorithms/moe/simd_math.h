// Vector math shared by the ISA-specific float kernels (microkernel_avx2.cc,
// microkernel_avx512.cc): exp, SiLU, GELU-tanh, the SwiGLU row kernels and
// the FMA peak loop, written once against a small per-ISA `Ops` struct.
//
// Include this header only from an ISA translation unit. Everything here is
// in an anonymous namespace, so each such TU compiles its own private copy
// with its own -m flags: no inline function with external linkage exists
// that the linker could merge across ISAs (an AVX-512 copy picked for the
// AVX2 path would fault on a CPU without AVX-512).
//
// Ops provides, for its vector type V with Ops::kLanes floats:
//   Set1, Zero, Add, Sub, Mul, Div, Min, Max, Fma(a, b, c) = a b + c,
//   Fnma(a, b, c) = c - a b, Round (to nearest), Pow2Scale(p, n) = p 2^n
//   for integral n in [-126, 127], Load/Store (full), LoadN/StoreN (first n
//   lanes, n < kLanes; LoadN zero-fills), ReduceAdd (lanes summed in index
//   order, so the result is fixed for a given ISA).
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "algorithms/moe/float_kernels.h"
#include "algorithms/moe/tile.h"

namespace expertlab::moe {
namespace {

// exp(x): Cody-Waite range reduction x = n ln2 + r with |r| <= ln2/2, a
// degree-6 polynomial for e^r (the Cephes expf coefficients, relative
// error ~1e-7) and 2^n applied through the exponent. Inputs are clamped so
// that 2^n stays a normal float (n in [-126, 127]); SiLU/GELU of huge |z|
// then saturate cleanly instead of producing inf/inf.
template <class Ops>
typename Ops::V ExpV(typename Ops::V x) {
  using V = typename Ops::V;
  x = Ops::Min(Ops::Max(x, Ops::Set1(-87.3f)), Ops::Set1(88.3f));
  const V n = Ops::Round(Ops::Mul(x, Ops::Set1(1.44269504088896341f)));
  V r = Ops::Fnma(n, Ops::Set1(0.693359375f), x);
  r = Ops::Fnma(n, Ops::Set1(-2.12194440e-4f), r);
  V p = Ops::Set1(1.9875691500e-4f);
  p = Ops::Fma(p, r, Ops::Set1(1.3981999507e-3f));
  p = Ops::Fma(p, r, Ops::Set1(8.3334519073e-3f));
  p = Ops::Fma(p, r, Ops::Set1(4.1665795894e-2f));
  p = Ops::Fma(p, r, Ops::Set1(1.6666665459e-1f));
  p = Ops::Fma(p, r, Ops::Set1(5.0000001201e-1f));
  p = Ops::Fma(p, Ops::Mul(r, r), Ops::Add(r, Ops::Set1(1.0f)));
  return Ops::Pow2Scale(p, n);
}

// 1 / (1 + e^{-g}).
template <class Ops>
typename Ops::V SigmoidV(typename Ops::V g) {
  const typename Ops::V one = Ops::Set1(1.0f);
  return Ops::Div(one, Ops::Add(one, ExpV<Ops>(Ops::Sub(Ops::Zero(), g))));
}

template <class Ops>
typename Ops::V SiluV(typename Ops::V g) {
  const typename Ops::V one = Ops::Set1(1.0f);
  return Ops::Div(g, Ops::Add(one, ExpV<Ops>(Ops::Sub(Ops::Zero(), g))));
}

// 0.5 z (1 + tanh(c (z + 0.044715 z^3))), tanh(y) = 1 - 2 / (e^{2y} + 1).
template <class Ops>
typename Ops::V GeluV(typename Ops::V z) {
  using V = typename Ops::V;
  const V one = Ops::Set1(1.0f);
  const V z3 = Ops::Mul(Ops::Mul(z, z), z);
  const V y = Ops::Mul(Ops::Set1(0.7978845608028654f), Ops::Fma(Ops::Set1(0.044715f), z3, z));
  const V e = ExpV<Ops>(Ops::Add(y, y));
  const V t = Ops::Sub(one, Ops::Div(Ops::Set1(2.0f), Ops::Add(e, one)));
  return Ops::Mul(Ops::Mul(Ops::Set1(0.5f), z), Ops::Add(one, t));
}

// h = silu(g) * u for n values.
template <class Ops>
void SiluMulRow(const float* g, const float* u, float* h, int64_t n) {
  constexpr int L = Ops::kLanes;
  int64_t j = 0;
  for (; j + L <= n; j += L)
    Ops::Store(h + j, Ops::Mul(SiluV<Ops>(Ops::Load(g + j)), Ops::Load(u + j)));
  if (j < n) {
    const int rest = static_cast<int>(n - j);
    Ops::StoreN(h + j, Ops::Mul(SiluV<Ops>(Ops::LoadN(g + j, rest)), Ops::LoadN(u + j, rest)),
                rest);
  }
}

// One step of the SwiGLU backward on a vector of lanes (see
// microkernels.h): writes du, dg and adds h z to dot.
template <class Ops>
void SwiGluBackwardStep(typename Ops::V gv, typename Ops::V uv, typename Ops::V zv,
                        typename Ops::V hv, typename Ops::V wv, typename Ops::V* dot,
                        typename Ops::V* dg, typename Ops::V* du) {
  using V = typename Ops::V;
  const V one = Ops::Set1(1.0f);
  *dot = Ops::Fma(hv, zv, *dot);
  const V sig = SigmoidV<Ops>(gv);
  const V dh = Ops::Mul(wv, zv);
  *du = Ops::Mul(dh, Ops::Mul(gv, sig));
  // silu'(g) = sig (1 + g (1 - sig))
  const V dsilu = Ops::Mul(sig, Ops::Fma(gv, Ops::Sub(one, sig), one));
  *dg = Ops::Mul(Ops::Mul(dh, uv), dsilu);
}

template <class Ops>
float SwiGluBackwardRow(const float* g, const float* u, const float* z, const float* h, float w,
                        int64_t n, float* dg, float* du) {
  using V = typename Ops::V;
  constexpr int L = Ops::kLanes;
  const V wv = Ops::Set1(w);
  V dot = Ops::Zero(), dgv, duv;
  int64_t j = 0;
  for (; j + L <= n; j += L) {
    SwiGluBackwardStep<Ops>(Ops::Load(g + j), Ops::Load(u + j), Ops::Load(z + j), Ops::Load(h + j),
                            wv, &dot, &dgv, &duv);
    Ops::Store(dg + j, dgv);
    Ops::Store(du + j, duv);
  }
  if (j < n) {
    const int rest = static_cast<int>(n - j);
    SwiGluBackwardStep<Ops>(Ops::LoadN(g + j, rest), Ops::LoadN(u + j, rest),
                            Ops::LoadN(z + j, rest), Ops::LoadN(h + j, rest), wv, &dot, &dgv, &duv);
    Ops::StoreN(dg + j, dgv, rest);
    Ops::StoreN(du + j, duv, rest);
  }
  return Ops::ReduceAdd(dot);
}

// Independent FMA chains in registers, enough to cover latency x pipes on
// current cores: performs iters * kFmaSpinChains FMAs of kLanes lanes.
inline constexpr int kFmaSpinChains = 12;

template <class Ops>
void FmaSpinLoop(int64_t iters, float* sink) {
  using V = typename Ops::V;
  V acc[kFmaSpinChains];
  for (int i = 0; i < kFmaSpinChains; ++i) acc[i] = Ops::Set1(static_cast<float>(i) * 1e-3f);
  const V a = Ops::Set1(0.999999f), b = Ops::Set1(1e-7f);
  for (int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kFmaSpinChains; ++i) acc[i] = Ops::Fma(acc[i], a, b);
  }
  V s = acc[0];
  for (int i = 1; i < kFmaSpinChains; ++i) s = Ops::Add(s, acc[i]);
  *sink = Ops::ReduceAdd(s);
}

// Packs up to kTileRows rows of kc values each into dst[kk * kTileRows + i]:
// full 8-row tiles with 8x8 register transposes (AVX, present in both ISA
// targets), the rest element by element.
inline void PackRows8(const float* const* src, int rows, int64_t kc, float* dst) {
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

// The dispatch table of the ISA whose Ops this TU compiles: its own
// register tile, the row-wise kernels above and the peak loop.
template <class Ops>
FloatKernels SimdFloatKernels(Isa isa, const char* name,
                              void (*run_tile)(const TileJob<float>& job)) {
  FloatKernels k;
  k.isa = isa;
  k.name = name;
  k.lanes = Ops::kLanes;
  k.run_tile = run_tile;
  k.pack_rows = PackRows8;
  k.silu_mul = SiluMulRow<Ops>;
  k.swiglu_backward = SwiGluBackwardRow<Ops>;
  k.fma_spin = FmaSpinLoop<Ops>;
  k.fma_spin_flops = int64_t{kFmaSpinChains} * Ops::kLanes * 2;
  return k;
}

}  // namespace
}  // namespace expertlab::moe
