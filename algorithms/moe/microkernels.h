// Entry points of the ISA-specific float kernels (see tile.h). Each
// namespace is defined in its own translation unit compiled with that ISA's
// flags (microkernel_avx2.cc: -mavx2 -mfma; microkernel_avx512.cc: AVX-512
// F/VL/DQ) and reached only through the run-time dispatch in
// float_kernels.h, so the rest of the program stays portable. Internal to
// the moe family: callers use FloatKernels, never these directly.
#pragma once

#include <cstdint>

#include "algorithms/moe/tile.h"

// The same entry points for every ISA namespace.
#define EXPERTLAB_MOE_DECLARE_FLOAT_KERNELS                                     \
  /* One tile: acc = A_packed * B over job.k, then the epilogue. */             \
  void RunTile(const TileJob<float>& job);                                      \
  /* Packs up to kTileRows rows of kc values into dst[kk * kTileRows + i]. */   \
  void PackRows(const float* const* src, int rows, int64_t kc, float* dst);     \
  /* h = silu(g) * u for n values. */                                           \
  void SiluMul(const float* g, const float* u, float* h, int64_t n);            \
  /* SwiGLU backward of one row with routing weight w and upstream z         \
     (dh = w z): du = dh silu(g), dg = dh u silu'(g). Returns <h, z> (the     \
     gate gradient), summed in a fixed lane order. */                          \
  float SwiGluBackward(const float* g, const float* u, const float* z,          \
                       const float* h, float w, int64_t n, float* dg,           \
                       float* du);                                              \
  /* Register-only independent FMAs for a measured peak: performs iters *     \
     kFmaSpinFlopsPerIter FLOP and writes a sink value. */                     \
  void FmaSpin(int64_t iters, float* sink);

namespace expertlab::moe::avx2 {
// 12 chains x 8 lanes x 2 FLOP.
inline constexpr int64_t kFmaSpinFlopsPerIter = 12 * 8 * 2;
EXPERTLAB_MOE_DECLARE_FLOAT_KERNELS
}  // namespace expertlab::moe::avx2

namespace expertlab::moe::avx512 {
// 12 chains x 16 lanes x 2 FLOP.
inline constexpr int64_t kFmaSpinFlopsPerIter = 12 * 16 * 2;
EXPERTLAB_MOE_DECLARE_FLOAT_KERNELS
}  // namespace expertlab::moe::avx512

#undef EXPERTLAB_MOE_DECLARE_FLOAT_KERNELS
