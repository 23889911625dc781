// The portable kernels (the generic table, and the tile of double problems)
// and the run-time choice of the float kernels' ISA (float_kernels.h).
#include "algorithms/moe/float_kernels.h"

#include <algorithm>
#include <cstdint>

#include "algorithms/moe/microkernels.h"
#include "algorithms/moe/scalar_math.h"

namespace expertlab::moe {

namespace generic {

// Same accumulation order per element as the SIMD kernels (k ascending, one
// accumulator), without FMA contraction.
template <class S>
void RunTile(const TileJob<S>& job) {
  S acc[kTileRows][kMaxTilePanels * kPanelCols];
  for (int i = 0; i < job.rows; ++i)
    for (int j = 0; j < job.panels * kPanelCols; ++j) acc[i][j] = S(0);
  for (int64_t kk = 0; kk < job.k; ++kk) {
    const S* ak = job.a + kk * kTileRows;
    for (int p = 0; p < job.panels; ++p) {
      const S* bp = job.b + p * job.b_panel_stride + kk * kPanelCols;
      for (int i = 0; i < job.rows; ++i) {
        const S av = ak[i];
        S* out = acc[i] + p * kPanelCols;
        for (int j = 0; j < kPanelCols; ++j) out[j] += av * bp[j];
      }
    }
  }
  for (int i = 0; i < job.rows; ++i) {
    for (int p = 0; p < job.panels; ++p) {
      const S* v = acc[i] + p * kPanelCols;
      const int64_t off = p * job.c_panel_step;
      const int cols = job.cols[p];
      S* c = job.c[i] + off;
      switch (job.epilogue) {
        case Epilogue::kStore:
          for (int j = 0; j < cols; ++j) {
            const S y = job.scale[i] * v[j];
            c[j] = job.accumulate ? c[j] + y : y;
          }
          break;
        case Epilogue::kSwiGlu:
          for (int j = 0; j < cols; ++j) {
            const S g = v[j], u = v[j + kPanelCols / 2];
            c[j] = Silu(g) * u;
            if (job.pre_g[i]) job.pre_g[i][off + j] = g;
            if (job.pre_u[i]) job.pre_u[i][off + j] = u;
          }
          break;
        default:
          for (int j = 0; j < cols; ++j) {
            const S z = v[j];
            c[j] = job.epilogue == Epilogue::kRelu ? std::max(z, S(0)) : GeluTanh(z);
            if (job.pre_g[i]) job.pre_g[i][off + j] = z;
          }
      }
    }
  }
}

template void RunTile<float>(const TileJob<float>&);
template void RunTile<double>(const TileJob<double>&);

namespace {

void PackRows(const float* const* src, int rows, int64_t kc, float* dst) {
  for (int i = 0; i < rows; ++i)
    for (int64_t kk = 0; kk < kc; ++kk) dst[kk * kTileRows + i] = src[i][kk];
}

void SiluMul(const float* g, const float* u, float* h, int64_t n) {
  for (int64_t j = 0; j < n; ++j) h[j] = Silu(g[j]) * u[j];
}

float SwiGluBackward(const float* g, const float* u, const float* z, const float* h, float w,
                     int64_t n, float* dg, float* du) {
  return static_cast<float>(SwiGluBackwardRow(g, u, z, h, w, n, dg, du));
}

}  // namespace

FloatKernels Kernels() {
  FloatKernels k;
  k.isa = Isa::kGeneric;
  k.name = "generic";
  k.lanes = 1;
  k.run_tile = RunTile<float>;
  k.pack_rows = PackRows;
  k.silu_mul = SiluMul;
  k.swiglu_backward = SwiGluBackward;
  return k;
}

}  // namespace generic

const FloatKernels* FindFloatKernels(Isa isa) {
  // Detected here, not in the ISA translation units, so the checks
  // themselves are compiled for the baseline ISA; an ISA's table is built
  // (by code compiled for it) only once its check has passed.
  static const FloatKernels portable = generic::Kernels();
  static const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  static const bool has_avx512 = has_avx2 && __builtin_cpu_supports("avx512f") &&
                                 __builtin_cpu_supports("avx512vl") &&
                                 __builtin_cpu_supports("avx512dq");
  switch (isa) {
    case Isa::kGeneric: return &portable;
    case Isa::kAvx2Fma: {
      if (!has_avx2) return nullptr;
      static const FloatKernels avx2 = avx2::Kernels();
      return &avx2;
    }
    case Isa::kAvx512: {
      if (!has_avx512) return nullptr;
      static const FloatKernels avx512 = avx512::Kernels();
      return &avx512;
    }
  }
  return nullptr;
}

const FloatKernels& GenericFloatKernels() { return *FindFloatKernels(Isa::kGeneric); }

const FloatKernels& BestFloatKernels() {
  static const FloatKernels* best = [] {
    for (Isa isa : {Isa::kAvx512, Isa::kAvx2Fma})
      if (const FloatKernels* k = FindFloatKernels(isa)) return k;
    return FindFloatKernels(Isa::kGeneric);
  }();
  return *best;
}

}  // namespace expertlab::moe
