// Entry points of the register-tile kernels (see tile.h): the portable one
// (float_kernels.cc) and the ISA-specific ones. Each ISA namespace is
// defined in its own translation unit compiled with that ISA's flags
// (microkernel_avx2.cc: -mavx2 -mfma; microkernel_avx512.cc: AVX-512
// F/VL/DQ) and reached only through the run-time dispatch in
// float_kernels.h, so the rest of the program stays portable. Internal to
// the moe family: callers use FloatKernels, never these directly.
#pragma once

#include "algorithms/moe/float_kernels.h"

// The portable tile (float and double problems) and its float table.
namespace expertlab::moe::generic {
template <class S>
void RunTile(const TileJob<S>& job);
FloatKernels Kernels();
}  // namespace expertlab::moe::generic

// The dispatch table of one ISA: its register tile plus the row-wise
// kernels of simd_math.h built for it. Call only on a CPU with that ISA
// (the call itself runs code compiled for it).
namespace expertlab::moe::avx2 {
FloatKernels Kernels();
}  // namespace expertlab::moe::avx2

namespace expertlab::moe::avx512 {
FloatKernels Kernels();
}  // namespace expertlab::moe::avx512
