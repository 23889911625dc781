// The grouped-GEMM engine of the MoE layer: packed weight panels, A rows
// gathered while packing, register tiles with fused epilogues, and a flat
// list of independent work items run by one OpenMP loop.
//
// Design (the packing scheme of K. Goto, R. van de Geijn, "Anatomy of
// high-performance matrix multiplication", ACM TOMS 2008, applied per
// expert): B (weights) is packed once into panels of 32 columns, K-major, so
// a tile streams it contiguously; A rows are gathered by index straight into a per-thread
// packed buffer (no permuted copy of the activations); each work item is
// (problem, block of rows, block of panels) and loops rows inside panels, so
// a weight panel is reused from L2 across the item's row tiles. With few
// rows (decode) a tile spans up to four panels, so each weight byte is read
// once per call with enough independent accumulators to hide FMA latency.
//
// Determinism: every output element is produced by exactly one tile, which
// accumulates over k in a fixed order (K blocks, when used, are fixed by the
// problem shape alone). Results are therefore bit-identical for any thread
// count and schedule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#include "algorithms/moe/float_kernels.h"
#include "algorithms/moe/tile.h"

namespace expertlab::moe {

// Rows of a matrix, optionally gathered: Row(r) = base + index[r] * ld.
template <class S>
struct RowSource {
  const S* base = nullptr;
  int64_t ld = 0;
  const int32_t* index = nullptr;
  const S* Row(int64_t r) const { return base + (index ? index[r] : r) * ld; }
};

template <class S>
struct RowSink {
  S* base = nullptr;
  int64_t ld = 0;
  const int32_t* index = nullptr;
  S* Row(int64_t r) const { return base + (index ? index[r] : r) * ld; }
  explicit operator bool() const { return base != nullptr; }
};

// std::vector storage on 64-byte boundaries: packed panels are streamed with
// full-line loads, and row-major blocks whose row length is a multiple of 16
// floats start every row on a cache line, which the non-temporal output path
// (GemmProblem::stream_c) needs.
template <class S>
struct CacheLineAllocator {
  using value_type = S;
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}  // NOLINT: allocator rebinding
  S* allocate(size_t n) {
    return static_cast<S*>(::operator new (n * sizeof(S), std::align_val_t{64}));
  }
  void deallocate(S* p, size_t) { ::operator delete (p, std::align_val_t{64}); }
  template <class U>
  bool operator==(const CacheLineAllocator<U>&) const {
    return true;
  }
};

template <class S>
using AlignedVector = std::vector<S, CacheLineAllocator<S>>;

// A k x n matrix in panels of kPanelCols columns: panel p holds k rows of
// kPanelCols values (zero padded past n). For SwiGLU panels (gate/up
// interleaved), n counts outputs and each panel covers 16 of them.
template <class S>
struct PackedPanels {
  int64_t k = 0, n = 0, panels = 0;
  bool swiglu = false;
  AlignedVector<S> data;
  const S* Panel(int64_t p) const { return data.data() + p * k * kPanelCols; }
  int64_t OutputsPerPanel() const { return swiglu ? kPanelCols / 2 : kPanelCols; }
};

// B[kk][j] = transposed ? w[j * ld + kk] : w[kk * ld + j], for kk < k, j < n.
template <class S>
void PackPanels(const S* w, int64_t k, int64_t n, int64_t ld, bool transposed,
                PackedPanels<S>* out);
// Gate/up interleaved panels of W_g, W_u (both k x n, row stride ld).
template <class S>
void PackSwiGluPanels(const S* wg, const S* wu, int64_t k, int64_t n, int64_t ld,
                      PackedPanels<S>* out);
// The stacked transposes [W_g^T; W_u^T] of two k x n matrices, i.e. a
// (2n) x k matrix, for the backward product dx = [dG dU] [W_g^T; W_u^T]:
// B[kk][j] = kk < n ? wg[j * ld + kk] : wu[j * ld + kk - n].
template <class S>
void PackStackedTransposed(const S* wg, const S* wu, int64_t k, int64_t n, int64_t ld,
                           PackedPanels<S>* out);

// C (m x n) = A (m x k) * B (k x n), then the epilogue.
template <class S>
struct GemmProblem {
  int64_t m = 0, n = 0, k = 0;
  // A: a.Row(i)[kk], or when a_transposed, a.Row(kk)[i].
  RowSource<S> a{};
  bool a_transposed = false;
  // B: prepacked panels, or (b_packed == nullptr) rows b_rows.Row(kk)[j]
  // packed per work item.
  const PackedPanels<S>* b_packed = nullptr;
  RowSource<S> b_rows{};
  Epilogue epilogue = Epilogue::kStore;
  RowSink<S> c{};                // m output rows
  RowSink<S> pre_g{}, pre_u{};   // optional pre-activation copies
  const S* row_scale = nullptr;  // store epilogue: c[i] = scale[i] * (A B)[i]
  bool accumulate = false;       // store epilogue: c += ...
  // Store epilogue: write C around the caches (where rows are 64-byte
  // aligned). For large outputs nobody reads soon, such as weight
  // gradients: it saves the read-for-ownership of every line and keeps the
  // operands in cache. Changes no value.
  bool stream_c = false;
};

// C = A B with B prepacked, store epilogue (set other fields after).
template <class S>
GemmProblem<S> PackedGemm(int64_t m, int64_t n, int64_t k, RowSource<S> a, const PackedPanels<S>* b,
                          RowSink<S> c) {
  return {.m = m, .n = n, .k = k, .a = a, .b_packed = b, .c = c};
}

// C = A B with B given as k rows of n values, packed per work item (a
// matrix used once, such as a merged expert).
template <class S>
GemmProblem<S> RowsGemm(int64_t m, int64_t n, int64_t k, RowSource<S> a, RowSource<S> b,
                        RowSink<S> c) {
  return {.m = m, .n = n, .k = k, .a = a, .b_rows = b, .c = c};
}

// C = A^T B with A given as k rows of m values and B as k rows of n values
// (weight gradients: a sum over the rows of a segment).
template <class S>
GemmProblem<S> TransposedGemm(int64_t m, int64_t n, int64_t k, RowSource<S> a, RowSource<S> b,
                              RowSink<S> c) {
  return {.m = m, .n = n, .k = k, .a = a, .a_transposed = true, .b_rows = b, .c = c};
}

struct EngineOptions {
  int threads = 1;
  // Float problems use the best SIMD kernels of this CPU (float_kernels.h);
  // false forces the portable scalar ones.
  bool use_simd = true;
  // When set, these float kernels instead (tests compare every ISA).
  const FloatKernels* kernels = nullptr;
};

// Runs every problem; items of all problems share one parallel loop.
template <class S>
void RunGemms(const std::vector<GemmProblem<S>>& problems, const EngineOptions& options);

// The float kernels RunGemms (and the layer's row-wise passes) will use.
const FloatKernels& ActiveFloatKernels(const EngineOptions& options);

// h = silu(g) * u over n values in fixed chunks (float: the active SIMD
// kernel), each value computed the same way for any thread count.
template <class S>
void SiluTimesUp(const S* g, const S* u, int64_t n, S* h, const EngineOptions& options);

// Counting sort of (token, slot) pairs by expert: the dispatch plan.
struct Dispatch {
  int64_t groups = 0;                // experts (incl. shared)
  std::vector<int64_t> offset;       // [groups + 1] segment starts
  std::vector<int32_t> token;        // [rows] source token of sorted row r
  std::vector<int32_t> slot;         // [rows] t * slots + s of sorted row r
  std::vector<int32_t> row_of_slot;  // [tokens * slots] sorted row, -1 = none
  int64_t rows() const { return static_cast<int64_t>(token.size()); }
  int64_t Count(int64_t g) const { return offset[g + 1] - offset[g]; }
};

// expert: [tokens x slots], entries in [-1, groups). Stable: within an
// expert, rows keep (token, slot) order.
void BuildDispatch(const int32_t* expert, int64_t tokens, int64_t slots, int64_t groups,
                   Dispatch* out);

}  // namespace expertlab::moe
