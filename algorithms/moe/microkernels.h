// AVX-512 register-tile kernel for float (see tile.h). Compiled with AVX-512
// flags in its own translation unit and called only after a run-time CPU
// check, so the rest of the program stays portable.
#pragma once

#include <cstdint>

#include "algorithms/moe/tile.h"

namespace expertlab::moe::avx512 {

// True when the CPU and OS support the AVX-512 F/VL/DQ instructions used here.
bool Available();

// Computes one tile: acc = A_packed * B over job.k, then the epilogue.
void RunTile(const TileJob<float>& job);

// Packs up to kTileRows rows (row pointers, `rows` of them) of kc values
// each into dst[kk * kTileRows + i] with 8x8 register transposes.
void PackRows(const float* const* src, int rows, int64_t kc, float* dst);

// h = silu(g) * u for n values.
void SiluMul(const float* g, const float* u, float* h, int64_t n);

// SwiGLU backward of one row with routing weight w and upstream z
// (dh = w z): du = dh silu(g), dg = dh u silu'(g). Returns <h, z> (the
// gate gradient), summed in a fixed lane order.
float SwiGluBackward(const float* g, const float* u, const float* z,
                     const float* h, float w, int64_t n, float* dg, float* du);

// A register-only loop of independent 16-lane FMAs (2 FLOP each), for a
// measured peak: performs iters * 12 * 32 FLOP and writes a sink value.
void FmaSpin(int64_t iters, float* sink);

}  // namespace expertlab::moe::avx512
