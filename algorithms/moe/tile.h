// Plain-data description of one register tile of the grouped GEMM, shared by
// the portable kernel (float_kernels.cc) and the ISA-specific kernels
// (microkernel_avx2.cc, microkernel_avx512.cc). Deliberately free of
// functions and library types: those translation units are compiled with
// their ISA's flags and must not emit any inline function the rest of the
// program could pick up.
#pragma once

#include <cstdint>

namespace expertlab::moe {

// Rows per register tile and columns per packed B panel.
inline constexpr int kTileRows = 8;
inline constexpr int kPanelCols = 32;
inline constexpr int kMaxTilePanels = 4;

// What happens to the accumulated product (of a tile, and of a whole
// GemmProblem in kernels.h). SwiGLU panels hold 16 gate columns followed by
// the 16 matching up columns, so the tile yields 16 outputs per panel:
// silu(g) * u.
enum class Epilogue : int {
  kStore = 0,   // c = (accumulate ? c : 0) + scale * acc
  kSwiGlu = 1,  // c = silu(g) * u; optional g, u copies
  kRelu = 2,    // c = max(z, 0); optional z copy
  kGelu = 3,    // c = gelu_tanh(z); optional z copy
};

template <class S>
struct TileJob {
  int64_t k = 0;                  // reduction length of this tile
  const S* a = nullptr;           // packed A: a[kk * kTileRows + i], i < rows
  const S* b = nullptr;           // first panel: k rows of kPanelCols values
  int64_t b_panel_stride = 0;     // values between consecutive panels
  int rows = 0;                   // 1..kTileRows
  int panels = 0;                 // 1..kMaxTilePanels
  int cols[kMaxTilePanels] = {};  // valid outputs per panel
  Epilogue epilogue = Epilogue::kStore;
  int accumulate = 0;  // store epilogue: add to existing c
  // Store epilogue without accumulate: write whole aligned vectors of c
  // with non-temporal stores (around the caches, no read for ownership).
  int stream = 0;
  int64_t c_panel_step = 0;  // output columns per panel (32, or 16 for SwiGLU)
  S* c[kTileRows] = {};      // per row: output at this tile's first column
  S* pre_g[kTileRows] = {};  // per row: pre-activation copy (or null)
  S* pre_u[kTileRows] = {};  // per row: SwiGLU up copy (or null)
  S scale[kTileRows] = {};   // store epilogue: per-row factor
  // Next panel block to pull towards L2 while this tile runs (same layout
  // as b), or null: keeps the weight stream from DRAM one block ahead.
  const S* prefetch = nullptr;
  // This tile's share of that pull: 64-byte lines [prefetch_first,
  // prefetch_first + prefetch_lines) of each panel of the block, counted
  // from its first K row. The engine splits the block among the row tiles
  // that share a panel block, so DRAM streams during all of them; kernels
  // that pull the whole block from the first tile use prefetch_first == 0.
  int64_t prefetch_first = 0;
  int64_t prefetch_lines = 0;
  // The panel (at this K block) the thread's next tile starts on, or null:
  // a kernel may pull its first rows into L1 during this tile's last block.
  const S* next_b = nullptr;
};

}  // namespace expertlab::moe
