// Run-time ISA dispatch of the float kernels of the MoE layer: one table of
// function pointers per instruction set, the best one chosen once per
// process from the CPU's feature bits (AVX-512 F/VL/DQ, else AVX2 + FMA,
// else the portable scalar code). Callers hold a `const FloatKernels&` and
// never branch on the ISA themselves.
//
// Results depend on the ISA (FMA contraction, vector lane order of the
// reductions) but, for a given ISA, not on the thread count or schedule.
#pragma once

#include <cstdint>

#include "algorithms/moe/tile.h"

namespace expertlab::moe {

enum class Isa : int { kGeneric = 0, kAvx2Fma = 1, kAvx512 = 2 };

struct FloatKernels {
  Isa isa = Isa::kGeneric;
  const char* name = "generic";  // "generic", "avx2_fma", "avx512"
  int lanes = 1;                 // floats per vector register
  // One register tile of the grouped GEMM (tile.h): any 1..kTileRows rows
  // and 1..kMaxTilePanels panels, whatever the ISA's register file holds.
  void (*run_tile)(const TileJob<float>& job) = nullptr;
  // Packs up to kTileRows rows (row pointers) of kc values each into
  // dst[kk * kTileRows + i].
  void (*pack_rows)(const float* const* src, int rows, int64_t kc, float* dst) = nullptr;
  // h = silu(g) * u for n values.
  void (*silu_mul)(const float* g, const float* u, float* h, int64_t n) = nullptr;
  // SwiGLU backward of one row with routing weight w and upstream z
  // (dh = w z): du = dh silu(g), dg = dh u silu'(g); returns <h, z>.
  float (*swiglu_backward)(const float* g, const float* u, const float* z, const float* h, float w,
                           int64_t n, float* dg, float* du) = nullptr;
  // Register-only FMA loop for the measured peak: iters * fma_spin_flops
  // FLOP. Null for the generic table (no meaningful vector peak).
  void (*fma_spin)(int64_t iters, float* sink) = nullptr;
  int64_t fma_spin_flops = 0;
};

// The kernels for `isa`, or nullptr when this CPU (or build) lacks it.
const FloatKernels* FindFloatKernels(Isa isa);
// The portable scalar kernels (always available).
const FloatKernels& GenericFloatKernels();
// The fastest kernels this CPU supports; detected once.
const FloatKernels& BestFloatKernels();

}  // namespace expertlab::moe
