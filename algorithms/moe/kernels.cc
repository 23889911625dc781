#include "algorithms/moe/kernels.h"

#include <omp.h>

#include <algorithm>
#include <type_traits>

#include "algorithms/moe/microkernels.h"
#include "algorithms/moe/scalar_math.h"
#include "sim/check.h"

namespace expertlab::moe {

namespace {

template <class S>
S* ShapePanels(int64_t k, int64_t n, int64_t panels, bool swiglu, PackedPanels<S>* out) {
  out->k = k;
  out->n = n;
  out->panels = panels;
  out->swiglu = swiglu;
  out->data.resize(static_cast<size_t>(panels * k * kPanelCols));
  return out->data.data();
}

template <class S, class Value>
void PackWith(int64_t k, int64_t n, int64_t panels, bool swiglu, PackedPanels<S>* out,
              Value value) {
  S* dst = ShapePanels(k, n, panels, swiglu, out);
  for (int64_t p = 0; p < panels; ++p) {
    for (int64_t kk = 0; kk < k; ++kk) {
      S* row = dst + (p * k + kk) * kPanelCols;
      for (int j = 0; j < kPanelCols; ++j) row[j] = value(p, kk, j);
    }
  }
}

// A panel row of a row-major source is `pieces` contiguous runs of `width`
// columns: copies them whole (an offloading cache repacks an expert on
// every load), zero-filling the columns past n.
template <class S, class Source>
void PackRuns(int64_t k, int64_t n, int64_t panels, bool swiglu, int width, PackedPanels<S>* out,
              Source source) {
  S* dst = ShapePanels(k, n, panels, swiglu, out);
  for (int64_t p = 0; p < panels; ++p) {
    const int64_t col = p * width;
    const int64_t valid = std::clamp<int64_t>(n - col, 0, width);
    for (int64_t kk = 0; kk < k; ++kk) {
      S* row = dst + (p * k + kk) * kPanelCols;
      for (int piece = 0; piece < kPanelCols / width; ++piece) {
        S* run = row + piece * width;
        std::copy_n(source(piece, kk) + col, valid, run);
        std::fill(run + valid, run + width, S(0));
      }
    }
  }
}

}  // namespace

template <class S>
void PackPanels(const S* w, int64_t k, int64_t n, int64_t ld, bool transposed,
                PackedPanels<S>* out) {
  const int64_t panels = (n + kPanelCols - 1) / kPanelCols;
  if (!transposed) {
    PackRuns<S>(k, n, panels, false, kPanelCols, out, [&](int, int64_t kk) { return w + kk * ld; });
    return;
  }
  PackWith<S>(k, n, panels, false, out, [&](int64_t p, int64_t kk, int j) -> S {
    const int64_t col = p * kPanelCols + j;
    return col < n ? w[col * ld + kk] : S(0);
  });
}

template <class S>
void PackSwiGluPanels(const S* wg, const S* wu, int64_t k, int64_t n, int64_t ld,
                      PackedPanels<S>* out) {
  constexpr int kHalf = kPanelCols / 2;
  const int64_t panels = (n + kHalf - 1) / kHalf;
  PackRuns<S>(k, n, panels, true, kHalf, out,
              [&](int piece, int64_t kk) { return (piece == 0 ? wg : wu) + kk * ld; });
}

template <class S>
void PackStackedTransposed(const S* wg, const S* wu, int64_t k, int64_t n, int64_t ld,
                           PackedPanels<S>* out) {
  // Output columns are the k rows of W; the reduction runs over 2n.
  const int64_t panels = (k + kPanelCols - 1) / kPanelCols;
  PackWith<S>(2 * n, k, panels, false, out, [&](int64_t p, int64_t kk, int j) -> S {
    const int64_t col = p * kPanelCols + j;
    if (col >= k) return S(0);
    return kk < n ? wg[col * ld + kk] : wu[col * ld + kk - n];
  });
}

namespace {

// Float tiles go through the dispatch table (fk, non-null), doubles always
// run the portable tile.
template <class S>
void RunTile(const TileJob<S>& job, const FloatKernels* fk) {
  if constexpr (std::is_same_v<S, float>) {
    fk->run_tile(job);
  } else {
    generic::RunTile(job);
  }
}

// Panels per tile: enough accumulators to hide FMA latency when rows are
// few, within the register file (rows * panels <= 8 on AVX-512; the AVX2
// tile walks any panel count in register-sized sub-tiles).
int TilePanels(int rows, int64_t remaining) {
  int want = rows <= 2 ? 4 : rows <= 4 ? 2 : 1;
  while (want > remaining) want /= 2;
  return want;
}

// Packed A block per item: rows x K block, meant to stay in L2 beside the
// current B panel. The AVX2 tile keeps its working set in L1 by K-blocking,
// so the value is not sensitive to the L2 size, and one shape-only value
// serves every host.
constexpr int64_t kABlockBytes = 512 * 1024;
// When B is packed per item (activations as B: weight gradients), every row
// block repacks its B panels, and that copy, not L2 misses on A, is what
// costs: such items take 4x taller row blocks (A read from L3) so B is
// repacked 4x less often.
constexpr int64_t kABlockBytesUnpackedB = 4 * kABlockBytes;

struct Item {
  int32_t problem;
  int64_t m0, m1;  // rows
  int64_t p0, p1;  // panels
};

// Shape-only blocking (never depends on the thread count).
struct Blocking {
  int64_t panels = 0;  // panels of B
  int64_t kc = 0;      // K block
  int64_t mc = 0;      // rows per item
  int64_t pg = 0;      // panels per item
};

template <class S>
Blocking BlockingFor(const GemmProblem<S>& pr) {
  Blocking b;
  b.panels = pr.b_packed ? pr.b_packed->panels : (pr.n + kPanelCols - 1) / kPanelCols;
  // Linear epilogues may split K (partial sums accumulate in C), which keeps
  // the packed A block small enough to stay in L2 with many rows per item.
  const bool linear = pr.epilogue == Epilogue::kStore;
  b.kc = (linear && pr.k > 1536) ? 1024 : std::max<int64_t>(pr.k, 1);
  const int64_t budget =
      (pr.b_packed ? kABlockBytes : kABlockBytesUnpackedB) / static_cast<int64_t>(sizeof(S));
  b.mc = std::max<int64_t>(kTileRows, budget / b.kc / kTileRows * kTileRows);
  b.mc = std::min(b.mc, std::max<int64_t>(pr.m, 1));
  return b;
}

// Panels per item. Each item packs its rows of A once, so wide items
// amortise packing; but a call with few row blocks (decode, one expert with
// few rows) needs its panels split to feed every thread. Fixed by shape.
int64_t PanelsPerItem(int64_t panels, int64_t total_row_blocks) {
  const int64_t splits = std::clamp<int64_t>(32 / std::max<int64_t>(total_row_blocks, 1), 1, 8);
  return std::max<int64_t>(std::min<int64_t>(4, panels), (panels + splits - 1) / splits);
}

// The work list of one RunGemms call, kept per calling thread so that calls
// in steady state (a layer's passes, step after step) allocate nothing.
struct Schedule {
  std::vector<Blocking> blocking;
  std::vector<Item> items;
};

Schedule& CallSchedule() {
  static thread_local Schedule schedule;
  return schedule;
}

template <class S>
struct ThreadBuffers {
  std::vector<S> a;
  std::vector<S> b;
};

template <class S>
ThreadBuffers<S>& Buffers() {
  static thread_local ThreadBuffers<S> buffers;
  return buffers;
}

template <class S>
void PackA(const GemmProblem<S>& pr, int64_t m0, int64_t m1, int64_t k0, int64_t k1, S* dst,
           const FloatKernels* fk) {
  const int64_t kc = k1 - k0;
  for (int64_t t0 = m0; t0 < m1; t0 += kTileRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kTileRows, m1 - t0));
    S* tile = dst + (t0 - m0) * kc;
    if constexpr (std::is_same_v<S, float>) {
      if (!pr.a_transposed) {
        const float* src[kTileRows];
        for (int i = 0; i < rows; ++i) src[i] = pr.a.Row(t0 + i) + k0;
        fk->pack_rows(src, rows, kc, tile);
        continue;
      }
    }
    if (!pr.a_transposed) {
      for (int i = 0; i < rows; ++i) {
        const S* src = pr.a.Row(t0 + i) + k0;
        for (int64_t kk = 0; kk < kc; ++kk) tile[kk * kTileRows + i] = src[kk];
      }
    } else {
      for (int64_t kk = 0; kk < kc; ++kk) {
        const S* src = pr.a.Row(k0 + kk) + t0;
        S* out = tile + kk * kTileRows;
        for (int i = 0; i < rows; ++i) out[i] = src[i];
      }
    }
  }
}

template <class S>
void PackBBlock(const GemmProblem<S>& pr, int64_t p0, int64_t p1, int64_t k0, int64_t k1, S* dst) {
  const int64_t kc = k1 - k0;
  for (int64_t p = p0; p < p1; ++p) {
    const int64_t j0 = p * kPanelCols;
    const int valid = static_cast<int>(std::min<int64_t>(kPanelCols, pr.n - j0));
    S* panel = dst + (p - p0) * kc * kPanelCols;
    for (int64_t kk = 0; kk < kc; ++kk) {
      const S* src = pr.b_rows.Row(k0 + kk) + j0;
      S* out = panel + kk * kPanelCols;
      int j = 0;
      for (; j < valid; ++j) out[j] = src[j];
      for (; j < kPanelCols; ++j) out[j] = S(0);
    }
  }
}

template <class S>
void RunItem(const GemmProblem<S>& pr, const Blocking& bl, const Item& item,
             const FloatKernels* fk) {
  ThreadBuffers<S>& buf = Buffers<S>();
  const int64_t rows = item.m1 - item.m0;
  const int64_t opp = pr.b_packed ? pr.b_packed->OutputsPerPanel() : kPanelCols;
  for (int64_t k0 = 0; k0 < pr.k; k0 += bl.kc) {
    const int64_t k1 = std::min(pr.k, k0 + bl.kc);
    const int64_t kc = k1 - k0;
    {
      const size_t need = static_cast<size_t>((rows + kTileRows) * kc);
      if (buf.a.size() < need) buf.a.resize(need);
      PackA(pr, item.m0, item.m1, k0, k1, buf.a.data(), fk);
    }
    const bool accumulate = pr.accumulate || k0 > 0;
    for (int64_t p = item.p0; p < item.p1;) {
      // Loop rows inside panels: the panel block stays in L2 for all tiles.
      // The first tile is the tallest, so the others support its width.
      const int np = TilePanels(static_cast<int>(std::min<int64_t>(kTileRows, rows)), item.p1 - p);
      const S* b_base;
      int64_t panel_stride;
      int64_t panel_origin;
      if (pr.b_packed) {
        b_base = pr.b_packed->data.data() + k0 * kPanelCols;
        panel_stride = pr.b_packed->k * kPanelCols;
        panel_origin = 0;
      } else {
        // Activations as B (weight gradients): pack just these panels, so
        // the packed block is small and reused by every row tile.
        const size_t need = static_cast<size_t>(np * kc * kPanelCols);
        if (buf.b.size() < need) buf.b.resize(need);
        PackBBlock(pr, p, p + np, k0, k1, buf.b.data());
        b_base = buf.b.data();
        panel_stride = kc * kPanelCols;
        panel_origin = p;
      }
      for (int64_t t0 = item.m0; t0 < item.m1; t0 += kTileRows) {
        TileJob<S> job;
        job.rows = static_cast<int>(std::min<int64_t>(kTileRows, item.m1 - t0));
        job.panels = np;
        job.k = kc;
        job.a = buf.a.data() + (t0 - item.m0) * kc;
        job.b = b_base + (p - panel_origin) * panel_stride;
        job.b_panel_stride = panel_stride;
        job.epilogue = pr.epilogue;
        job.accumulate = accumulate ? 1 : 0;
        job.stream = pr.stream_c && !accumulate ? 1 : 0;
        job.c_panel_step = opp;
        for (int q = 0; q < job.panels; ++q)
          job.cols[q] = static_cast<int>(std::clamp<int64_t>(pr.n - (p + q) * opp, 0, opp));
        for (int i = 0; i < job.rows; ++i) {
          const int64_t r = t0 + i;
          job.c[i] = pr.c.Row(r) + p * opp;
          job.pre_g[i] = pr.pre_g ? pr.pre_g.Row(r) + p * opp : nullptr;
          job.pre_u[i] = pr.pre_u ? pr.pre_u.Row(r) + p * opp : nullptr;
          job.scale[i] = pr.row_scale ? pr.row_scale[r] : S(1);
        }
        // The first tile of a panel block streams it from memory; the row
        // tiles of the block also pull the next block (pre-packed weights
        // only), each an equal share of its lines, so the DRAM stream
        // overlaps all of them.
        if (pr.b_packed && p + 2 * np <= item.p1) {
          const int64_t tiles = (item.m1 - item.m0 + kTileRows - 1) / kTileRows;
          const int64_t ti = (t0 - item.m0) / kTileRows;
          const int64_t lines = kc * kPanelCols * static_cast<int64_t>(sizeof(S)) / 64;
          job.prefetch = b_base + (p + np - panel_origin) * panel_stride;
          job.prefetch_first = lines * ti / tiles;
          job.prefetch_lines = lines * (ti + 1) / tiles - job.prefetch_first;
        }
        // Where this thread's next tile starts (same panels, next rows; or
        // the next panel block of pre-packed weights).
        if (t0 + kTileRows < item.m1)
          job.next_b = job.b;
        else if (pr.b_packed && p + np < item.p1)
          job.next_b = b_base + (p + np - panel_origin) * panel_stride;
        RunTile(job, fk);
      }
      p += np;
    }
  }
#if defined(__x86_64__) || defined(__i386__)
  // Non-temporal stores are weakly ordered: drain them before the item ends.
  if (pr.stream_c) __builtin_ia32_sfence();
#endif
}

}  // namespace

template <class S>
void RunGemms(const std::vector<GemmProblem<S>>& problems, const EngineOptions& options) {
  Schedule& schedule = CallSchedule();
  std::vector<Blocking>& blocking = schedule.blocking;
  std::vector<Item>& items = schedule.items;
  blocking.assign(problems.size(), Blocking{});
  items.clear();
  int64_t row_blocks = 0;
  for (size_t i = 0; i < problems.size(); ++i) {
    const GemmProblem<S>& pr = problems[i];
    if (pr.m <= 0 || pr.n <= 0) continue;
    EXPERTLAB_CHECK(pr.k >= 1) << "grouped GEMM: empty reduction (k = 0)";
    EXPERTLAB_CHECK(!pr.b_packed || (pr.b_packed->k == pr.k && pr.b_packed->n == pr.n))
        << "grouped GEMM: packed B is " << pr.b_packed->k << " x " << pr.b_packed->n
        << ", problem needs " << pr.k << " x " << pr.n;
    blocking[i] = BlockingFor(pr);
    row_blocks += (pr.m + blocking[i].mc - 1) / blocking[i].mc;
  }
  for (size_t i = 0; i < problems.size(); ++i) {
    const GemmProblem<S>& pr = problems[i];
    if (pr.m <= 0 || pr.n <= 0) continue;
    Blocking& bl = blocking[i];
    bl.pg = PanelsPerItem(bl.panels, row_blocks);
    for (int64_t m0 = 0; m0 < pr.m; m0 += bl.mc)
      for (int64_t p0 = 0; p0 < bl.panels; p0 += bl.pg)
        items.push_back({static_cast<int32_t>(i), m0, std::min(pr.m, m0 + bl.mc), p0,
                         std::min(bl.panels, p0 + bl.pg)});
  }
  const FloatKernels* fk = &ActiveFloatKernels(options);
  const int64_t count = static_cast<int64_t>(items.size());
  const int threads =
      static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(options.threads, count)));
  if (threads <= 1) {
    for (const Item& item : items)
      RunItem(problems[item.problem], blocking[item.problem], item, fk);
    return;
  }
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int64_t i = 0; i < count; ++i) {
    const Item& item = items[i];
    RunItem(problems[item.problem], blocking[item.problem], item, fk);
  }
}

const FloatKernels& ActiveFloatKernels(const EngineOptions& options) {
  if (options.kernels) return *options.kernels;
  return options.use_simd ? BestFloatKernels() : GenericFloatKernels();
}

void BuildDispatch(const int32_t* expert, int64_t tokens, int64_t slots, int64_t groups,
                   Dispatch* out) {
  out->groups = groups;
  out->offset.assign(groups + 1, 0);
  const int64_t n = tokens * slots;
  for (int64_t i = 0; i < n; ++i)
    if (expert[i] >= 0) ++out->offset[expert[i] + 1];
  for (int64_t g = 0; g < groups; ++g) out->offset[g + 1] += out->offset[g];
  const int64_t rows = out->offset[groups];
  out->token.resize(rows);
  out->slot.resize(rows);
  out->row_of_slot.assign(n, -1);
  // offset[e] serves as expert e's cursor; once every row is placed it
  // holds the start of e + 1, so shifting by one restores the starts.
  for (int64_t i = 0; i < n; ++i) {
    const int32_t e = expert[i];
    if (e < 0) continue;
    const int64_t r = out->offset[e]++;
    out->token[r] = static_cast<int32_t>(i / slots);
    out->slot[r] = static_cast<int32_t>(i);
    out->row_of_slot[i] = static_cast<int32_t>(r);
  }
  for (int64_t g = groups; g > 0; --g) out->offset[g] = out->offset[g - 1];
  out->offset[0] = 0;
}

template <class S>
void SiluTimesUp(const S* g, const S* u, int64_t n, S* h, const EngineOptions& engine) {
  constexpr int64_t kChunk = 16384;
  const int64_t chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) num_threads(engine.threads) if (chunks > 4)
  for (int64_t c = 0; c < chunks; ++c) {
    const int64_t begin = c * kChunk, len = std::min(kChunk, n - begin);
    if constexpr (std::is_same_v<S, float>) {
      ActiveFloatKernels(engine).silu_mul(g + begin, u + begin, h + begin, len);
    } else {
      for (int64_t i = begin; i < begin + len; ++i) h[i] = Silu(g[i]) * u[i];
    }
  }
}

#define EXPERTLAB_MOE_INSTANTIATE(S)                                                        \
  template void SiluTimesUp<S>(const S*, const S*, int64_t, S*, const EngineOptions&);      \
  template void PackPanels<S>(const S*, int64_t, int64_t, int64_t, bool, PackedPanels<S>*); \
  template void PackSwiGluPanels<S>(const S*, const S*, int64_t, int64_t, int64_t,          \
                                    PackedPanels<S>*);                                      \
  template void PackStackedTransposed<S>(const S*, const S*, int64_t, int64_t, int64_t,     \
                                         PackedPanels<S>*);                                 \
  template void RunGemms<S>(const std::vector<GemmProblem<S>>&, const EngineOptions&);
EXPERTLAB_MOE_INSTANTIATE(float)
EXPERTLAB_MOE_INSTANTIATE(double)
#undef EXPERTLAB_MOE_INSTANTIATE

}  // namespace expertlab::moe
