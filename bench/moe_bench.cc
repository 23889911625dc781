// Sparse-MoE layer kernels against dense SGEMM and the per-expert
// gather -> GEMM -> scatter reference, all measured in the same run.
//
// Every benchmark times its variants interleaved, repeats them and reports
// medians, so ratios survive a noisy shared machine. Counters:
//   BM_Prefill   fast_gflops, dense_gflops (OpenBLAS SwiGLU MLP of width
//                k f over all T tokens: same FLOPs), pct_dense, pct_peak,
//                ref_blas_gflops / x_vs_ref_blas (gather, OpenBLAS per
//                expert, scatter), ref_eigen_gflops / x_vs_ref_eigen (the
//                library's Eigen reference), rows_per_expert (mean) and
//                rows_min / rows_max (the router's load spread)
//   BM_FineGrained  DeepSeekMoE's fine-grained layer (m x the experts at
//                1/m the width, m x the k, optional shared experts) and the
//                plain layer it splits, against the dense SwiGLU of the same
//                FLOPs: plain_pct_dense, fine_pct_dense, fine_vs_plain
//                (fine time over plain, inverted; target >= 0.8)
//   BM_Heterogeneous  HMoE's experts of different widths and the plain
//                layer of the same total width, each layer's GFLOP/s over its
//                routed rows against the dense SwiGLU of width k f:
//                plain_pct_dense, hetero_pct_dense, hetero_vs_plain (target
//                >= 0.8)
//   BM_AutonomyOfExperts  AoE's layer (factorised gates sized by Eq. 5)
//                against the plain top-2 layer of the same parameters:
//                aoe_vs_moe (MoE time over AoE time), cache_fraction (the
//                all-experts cache GEMM's share of the AoE forward),
//                cache_gflops, cache_pct_dense
//   BM_Backward  fast and dense backward GFLOP/s (12 T k d f FLOP), pct_dense
//   BM_Decode    weight_gbs (bytes of touched experts / time), pct_triad,
//                x_vs_ref_blas, x_vs_ref_eigen, ref_eigen_pct_triad and
//                max_x_vs_ref_eigen (the roofline bound on the speedup:
//                the reference streams the same bytes, and no kernel streams
//                faster than the faster of triad and a read-only stream)
//   BM_SequenceStep  a sequence-model training step (sequence_model.h)
//                against its MoE layer's forward + backward at the same
//                token count and the stack's dense GEMMs: step_ms, layer_ms,
//                gemm_ms, layer_gemm_share ((layer + GEMMs) / step) and
//                overhead_vs_layer ((step - layer - GEMMs) / layer: the
//                stack's own cost in units of the layer's; target < 1)
//   BM_Scaling   speedup of 2 threads over 1 (forward, prefill shape), and
//                the same speedup of the dense OpenBLAS SwiGLU of the same
//                FLOPs (dense_speedup_2_vs_1: what the host gives a
//                compute-bound GEMM)
// Machine limits (peak FMA GFLOP/s, STREAM triad and read-only GB/s) are
// measured at start; every row is labelled with the float kernel ISA in use
// (float_kernels.h) and carries simd_lanes. Every timed call starts with cold
// caches (EvictCaches, sim/timing.h), as in a model where other layers ran in
// between (decode touches a few times the last-level cache, which would
// otherwise serve part of it).
//
//   build/<dir>/bench/expertlab_moe_bench [--benchmark_filter=Prefill]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "algorithms/moe/dense_blas.h"
#include "algorithms/moe/float_kernels.h"
#include "algorithms/moe/layer.h"
#include "algorithms/moe/reference.h"
#include "algorithms/moe/routers/deepseek_moe.h"
#include "algorithms/moe/topk_softmax.h"
#include "algorithms/moe/train.h"
#include "algorithms/moe/train/adamw.h"
#include "algorithms/moe/train/sequence_model.h"
#include "bench/bench_context.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "sim/timing.h"
#include "theory/roofline.h"

namespace expertlab::moe {
namespace {

constexpr int kThreads = 2;

MachineLimits& Limits() {
  static MachineLimits limits = MeasureMachine(kThreads);
  return limits;
}

struct Model {
  MoeConfig config;
  std::unique_ptr<MoeLayer<float>> layer;
  std::vector<float> x, y;
  MoeState<float> state;
};

std::unique_ptr<Model> MakeModel(int64_t T, int64_t d, int64_t f, int64_t E, int64_t k,
                                 int threads) {
  auto m = std::make_unique<Model>();
  m->config.d_model = d;
  m->config.d_ff = f;
  m->config.experts = E;
  m->config.top_k = k;
  m->config.threads = threads;
  BenchMoe built = MakeBenchMoe(m->config, T, /*seed=*/1, kThreads);
  m->layer = std::move(built.layer);
  m->x = std::move(built.x);
  m->y.resize(T * d);
  return m;
}

void GatherBlasScatter(const Model& m, std::vector<float>& y) {
  const int64_t T = static_cast<int64_t>(m.x.size()) / m.config.d_model;
  GatherBlasScatterForward(m.config, m.layer->weights(), m.x.data(), T, m.state.slots,
                           m.state.expert.data(), m.state.weight.data(), y.data());
}

// The reference of reference.h: Eigen GEMMs per expert, same routing.
void GatherEigenScatter(const Model& m, std::vector<float>& y) {
  const int64_t T = static_cast<int64_t>(m.x.size()) / m.config.d_model;
  GatherGemmScatterForward(m.config, m.layer->weights(), m.x.data(), T, m.state.slots,
                           m.state.expert.data(), m.state.weight.data(), y.data(), kThreads);
}

void Annotate(benchmark::State& state) {
  state.counters["peak_gflops"] = Limits().peak_gflops;
  state.counters["triad_gbs"] = Limits().triad_gbytes;
  state.counters["read_gbs"] = Limits().read_gbytes;
  state.counters["simd_lanes"] = BestFloatKernels().lanes;
  state.SetLabel(BestFloatKernels().name);
}

// Args: T, f, E, k.
void BM_Prefill(benchmark::State& state) {
  const int64_t T = state.range(0), d = 1024, f = state.range(1), E = state.range(2),
                k = state.range(3);
  auto m = MakeModel(T, d, f, E, k, kThreads);
  DenseSwiGlu dense(T, d, k * f, kThreads, 6);
  std::vector<float> y_ref(T * d), y_eig(T * d);
  const double flops = theory::MoeExpertFlops(T, k, d, f);
  const auto fast = [&] { m->layer->Forward(m->x.data(), T, m->y.data(), &m->state); };
  for (auto _ : state) {
    fast();
    const auto med = TimeInterleaved(
        {fast, [&] { dense.Forward(); }, [&] { GatherBlasScatter(*m, y_ref); }}, 7, EvictCaches);
    // The Eigen reference is slow without -march=native: fewer rounds, each
    // again paired with a run of the fast layer.
    const auto eig =
        TimeInterleaved({fast, [&] { GatherEigenScatter(*m, y_eig); }}, 2, EvictCaches);
    state.SetIterationTime(med.Median(0));
    state.counters["fast_gflops"] = flops / med.Median(0) / 1e9;
    state.counters["dense_gflops"] = flops / med.Median(1) / 1e9;
    state.counters["pct_dense"] = 100.0 * med.Speedup(0, 1);
    state.counters["pct_peak"] = 100.0 * flops / med.Median(0) / 1e9 / Limits().peak_gflops;
    state.counters["ref_blas_gflops"] = flops / med.Median(2) / 1e9;
    state.counters["x_vs_ref_blas"] = med.Speedup(0, 2);
    state.counters["ref_eigen_gflops"] = flops / eig.Median(1) / 1e9;
    state.counters["x_vs_ref_eigen"] = eig.Speedup(0, 1);
    state.counters["rows_per_expert"] = double(T * k) / double(E);
    // The router's load spread: rows of the least and most loaded expert.
    const auto [fewest, most] =
        std::minmax_element(m->state.stats.kept.begin(), m->state.stats.kept.end());
    state.counters["rows_min"] = double(*fewest);
    state.counters["rows_max"] = double(*most);
  }
  Annotate(state);
}

// Args: T, m, shared. DeepSeekMoE's fine-grained layer (FineGrained of
// d = 1024, 8 experts of f = 4096, top-2: 8 m experts of f / m, 2 m
// active, `shared` of them always on) against the plain layer it splits,
// both beside the dense SwiGLU of width k f = 8192 (the FLOPs of either),
// interleaved in the same rounds. Rows per routed expert are the same,
// T k / E, in both layers without a shared expert (about the same with
// one, which itself takes all T rows).
void BM_FineGrained(benchmark::State& state) {
  const int64_t T = state.range(0), m = state.range(1), shared = state.range(2);
  const int64_t d = 1024, f = 4096, E = 8, k = 2;
  auto plain = MakeModel(T, d, f, E, k, kThreads);
  auto fine = std::make_unique<Model>();
  fine->config = FineGrained(plain->config, m, shared);
  BenchMoe built = MakeBenchMoe(fine->config, T, /*seed=*/1, kThreads);
  fine->layer = std::move(built.layer);
  fine->x = std::move(built.x);
  fine->y.resize(T * d);
  DenseSwiGlu dense(T, d, k * f, kThreads, 6);
  const double flops = theory::MoeExpertFlops(T, k, d, f);
  for (auto _ : state) {
    const auto med = TimeInterleaved(
        {[&] { plain->layer->Forward(plain->x.data(), T, plain->y.data(), &plain->state); },
         [&] { fine->layer->Forward(fine->x.data(), T, fine->y.data(), &fine->state); },
         [&] { dense.Forward(); }},
        7, EvictCaches);
    state.SetIterationTime(med.Median(1));
    state.counters["plain_pct_dense"] = 100.0 * med.Speedup(0, 2);
    state.counters["fine_pct_dense"] = 100.0 * med.Speedup(1, 2);
    state.counters["fine_vs_plain"] = med.Speedup(1, 0);
    state.counters["fine_gflops"] = flops / med.Median(1) / 1e9;
    state.counters["rows_per_expert"] = double(T * k) / double(E);
  }
  Annotate(state);
}
BENCHMARK(BM_FineGrained)
    ->Args({4096, 8, 0})
    ->Args({4096, 8, 1})
    ->Args({512, 8, 0})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Args: T. HMoE's heterogeneous experts (Wang et al., EMNLP 2025): 8
// experts of the paper's arithmetic widths 2304, 2816, ..., 5888 (their
// 3B model's, summing to 8 x 4096) against the plain layer of 8 x 4096,
// both top-2 with random routers, so rows per expert are about T k / E in
// both. Each layer's GFLOP/s counts its own routed rows (6 d f_g per row of
// expert g) and is set against the dense SwiGLU of width k f in the same
// rounds: plain_pct_dense, hetero_pct_dense, hetero_vs_plain (the ratio of
// the two; target >= 0.8).
void BM_Heterogeneous(benchmark::State& state) {
  const int64_t T = state.range(0), d = 1024, f = 4096, E = 8, k = 2;
  auto plain = MakeModel(T, d, f, E, k, kThreads);
  auto hetero = std::make_unique<Model>();
  hetero->config = plain->config;
  for (int64_t i = 0; i < E; ++i) hetero->config.expert_widths.push_back(256 * (9 + 2 * i));
  BenchMoe built = MakeBenchMoe(hetero->config, T, /*seed=*/1, kThreads);
  hetero->layer = std::move(built.layer);
  hetero->x = std::move(built.x);
  hetero->y.resize(T * d);
  DenseSwiGlu dense(T, d, k * f, kThreads, 6);
  const auto routed_flops = [&](const Model& model) {
    double units = 0;
    for (int64_t g = 0; g < E; ++g)
      units += double(model.state.dispatch.Count(g)) * double(model.config.Width(g));
    return 6.0 * double(d) * units;
  };
  for (auto _ : state) {
    const auto med = TimeInterleaved(
        {[&] { plain->layer->Forward(plain->x.data(), T, plain->y.data(), &plain->state); },
         [&] { hetero->layer->Forward(hetero->x.data(), T, hetero->y.data(), &hetero->state); },
         [&] { dense.Forward(); }},
        7, EvictCaches);
    const double dense_gflops = theory::MoeExpertFlops(T, k, d, f) / med.Median(2) / 1e9;
    const double plain_gflops = routed_flops(*plain) / med.Median(0) / 1e9;
    const double hetero_gflops = routed_flops(*hetero) / med.Median(1) / 1e9;
    state.SetIterationTime(med.Median(1));
    state.counters["plain_pct_dense"] = 100.0 * plain_gflops / dense_gflops;
    state.counters["hetero_pct_dense"] = 100.0 * hetero_gflops / dense_gflops;
    state.counters["hetero_vs_plain"] = hetero_gflops / plain_gflops;
    state.counters["hetero_gflops"] = hetero_gflops;
    state.counters["rows_per_expert"] = double(T * k) / double(E);
  }
  Annotate(state);
}
BENCHMARK(BM_Heterogeneous)
    ->Arg(4096)
    ->Arg(512)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Args: T, r. Autonomy-of-Experts (Lv et al., ICML 2025) at the paper's
// small-model shape: d = 768, 8 experts, top-2, experts sized by Eq. 5 to
// the parameters of d_ffn = 3072, against that plain top-2 layer. The
// caches of every expert, x [A_1 ... A_E] (T x d x 8 r), run as the one
// GEMM the layer runs on its packed router block; cache_fraction is its
// time over the AoE forward's, cache_pct_dense its GFLOP/s against the
// dense SwiGLU's of the plain layer's FLOPs.
void BM_AutonomyOfExperts(benchmark::State& state) {
  const int64_t T = state.range(0), r = state.range(1), d = 768, f = 3072, E = 8, k = 2;
  auto plain = MakeModel(T, d, f, E, k, kThreads);
  const std::string spec = "aoe(rank=" + std::to_string(r) + ")";
  auto aoe = std::make_unique<Model>();
  aoe->config = LayerShapeFor(spec, plain->config);
  BenchMoe built =
      MakeBenchMoe(aoe->config, T, /*seed=*/1, kThreads, Registry<Router>::Instance().Create(spec));
  aoe->layer = std::move(built.layer);
  aoe->x = std::move(built.x);
  aoe->y.resize(T * d);
  const int64_t cols = aoe->config.RouterColumns();
  PackedPanels<float> panels;
  PackPanels(aoe->layer->weights().router.data(), d, cols, cols, false, &panels);
  std::vector<float> caches(T * cols);
  const std::vector<GemmProblem<float>> cache_gemm = {PackedGemm<float>(
      T, cols, d, {aoe->x.data(), d, nullptr}, &panels, {caches.data(), cols, nullptr})};
  DenseSwiGlu dense(T, d, k * f, kThreads, 6);
  for (auto _ : state) {
    const auto med = TimeInterleaved(
        {[&] { plain->layer->Forward(plain->x.data(), T, plain->y.data(), &plain->state); },
         [&] { aoe->layer->Forward(aoe->x.data(), T, aoe->y.data(), &aoe->state); },
         [&] {
           RunGemms(cache_gemm, {kThreads, true});
         },
         [&] { dense.Forward(); }},
        7, EvictCaches);
    state.SetIterationTime(med.Median(1));
    const double cache_gflops = 2.0 * double(T * d * cols) / med.Median(2) / 1e9;
    state.counters["aoe_vs_moe"] = med.Speedup(1, 0);
    state.counters["cache_fraction"] = med.Median(2) / med.Median(1);
    state.counters["cache_gflops"] = cache_gflops;
    state.counters["cache_pct_dense"] =
        100.0 * cache_gflops / (theory::MoeExpertFlops(T, k, d, f) / med.Median(3) / 1e9);
    state.counters["d_wide"] = double(aoe->config.d_ff);
  }
  Annotate(state);
}
BENCHMARK(BM_AutonomyOfExperts)
    ->Args({2048, 256})
    ->Args({2048, 64})
    ->Args({256, 256})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Args: T, f, E, k.
void BM_Backward(benchmark::State& state) {
  const int64_t T = state.range(0), d = 1024, f = state.range(1), E = state.range(2),
                k = state.range(3);
  auto m = MakeModel(T, d, f, E, k, kThreads);
  DenseSwiGlu dense(T, d, k * f, kThreads, 6);
  MoeWeights<float> grads;
  std::vector<float> dx(T * d);
  // Backward: the input-gradient and weight-gradient products, twice the forward.
  const double flops = 2.0 * theory::MoeExpertFlops(T, k, d, f);
  for (auto _ : state) {
    m->layer->Forward(m->x.data(), T, m->y.data(), &m->state, true);
    dense.Forward();
    // Gradient buffers are allocated once outside the timed region.
    m->layer->Backward(m->y.data(), m->state, dx.data(), &grads);
    const auto med =
        TimeInterleaved({[&] { m->layer->Backward(m->y.data(), m->state, dx.data(), &grads); },
                         [&] { dense.Backward(); }},
                        5, EvictCaches);
    state.SetIterationTime(med.Median(0));
    state.counters["fast_gflops"] = flops / med.Median(0) / 1e9;
    state.counters["dense_gflops"] = flops / med.Median(1) / 1e9;
    state.counters["pct_dense"] = 100.0 * med.Speedup(0, 1);
    state.counters["pct_peak"] = 100.0 * flops / med.Median(0) / 1e9 / Limits().peak_gflops;
  }
  Annotate(state);
}

// Args: T, E, k (d = 1024, f = 4096).
void BM_Decode(benchmark::State& state) {
  const int64_t T = state.range(0), d = 1024, f = 4096, E = state.range(1), k = state.range(2);
  auto m = MakeModel(T, d, f, E, k, kThreads);
  DenseBlas::Get().SetThreads(kThreads);
  std::vector<float> y_ref(T * d), y_eig(T * d);
  const auto fast = [&] { m->layer->Forward(m->x.data(), T, m->y.data(), &m->state); };
  for (auto _ : state) {
    fast();
    int64_t touched = 0;
    for (int64_t e = 0; e < E; ++e) touched += m->state.stats.kept[e] > 0;
    const double bytes = theory::MoeWeightBytes(double(touched), d, f, sizeof(float));
    const auto med = TimeInterleaved(
        {fast, [&] { GatherBlasScatter(*m, y_ref); }, [&] { GatherEigenScatter(*m, y_eig); }}, 15,
        EvictCaches);
    state.SetIterationTime(med.Median(0));
    state.counters["weight_gbs"] = bytes / med.Median(0) / 1e9;
    state.counters["pct_triad"] = 100.0 * bytes / med.Median(0) / 1e9 / Limits().triad_gbytes;
    state.counters["x_vs_ref_blas"] = med.Speedup(0, 1);
    state.counters["x_vs_ref_eigen"] = med.Speedup(0, 2);
    // The reference streams the same weight bytes: the most any kernel can
    // gain over it is its time over the time of those bytes at the fastest
    // stream measured on this machine (triad or read-only).
    const double stream_gbs = std::max(Limits().triad_gbytes, Limits().read_gbytes);
    state.counters["ref_eigen_pct_triad"] =
        100.0 * bytes / med.Median(2) / 1e9 / Limits().triad_gbytes;
    state.counters["max_x_vs_ref_eigen"] = med.Median(2) / (bytes / (stream_gbs * 1e9));
    state.counters["experts_touched"] = double(touched);
    state.counters["usec"] = med.Median(0) * 1e6;
  }
  Annotate(state);
}

// The fast layer alone at decode (for profiling). Args: T, E, k.
void BM_DecodeFastOnly(benchmark::State& state) {
  const int64_t T = state.range(0), E = state.range(1), k = state.range(2);
  auto m = MakeModel(T, 1024, 4096, E, k, kThreads);
  for (auto _ : state) m->layer->Forward(m->x.data(), T, m->y.data(), &m->state);
}
BENCHMARK(BM_DecodeFastOnly)->Args({1, 8, 2})->Unit(benchmark::kMicrosecond);

// The fast layer alone at prefill (for profiling). Args: T, f, E, k.
void BM_PrefillFastOnly(benchmark::State& state) {
  const int64_t T = state.range(0), f = state.range(1), E = state.range(2), k = state.range(3);
  auto m = MakeModel(T, 1024, f, E, k, kThreads);
  for (auto _ : state) m->layer->Forward(m->x.data(), T, m->y.data(), &m->state);
  state.counters["gflops"] =
      benchmark::Counter(theory::MoeExpertFlops(T, k, 1024, f) * state.iterations() / 1e9,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PrefillFastOnly)
    ->Args({4096, 4096, 8, 2})
    ->Args({512, 2816, 64, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Args: T, f, E, k.
void BM_Scaling(benchmark::State& state) {
  const int64_t T = state.range(0), d = 1024, f = state.range(1), E = state.range(2),
                k = state.range(3);
  auto m = MakeModel(T, d, f, E, k, 1);
  DenseSwiGlu dense(T, d, k * f, 1, 6);
  for (auto _ : state) {
    auto run = [&](int threads) {
      m->layer->set_threads(threads);
      m->layer->Forward(m->x.data(), T, m->y.data(), &m->state);
    };
    auto run_dense = [&](int threads) {
      dense.set_threads(threads);
      dense.Forward();
    };
    const InterleavedTimes med = TimeInterleaved(
        {[&] { run(1); }, [&] { run(2); }, [&] { run_dense(1); }, [&] { run_dense(2); }}, 11,
        EvictCaches);
    const double t1 = med.Median(0), t2 = med.Median(1);
    state.SetIterationTime(t2);
    state.counters["speedup_2_vs_1"] = med.Speedup(1, 0);
    state.counters["dense_speedup_2_vs_1"] = med.Speedup(3, 2);
    state.counters["gflops_1"] = theory::MoeExpertFlops(T, k, d, f) / t1 / 1e9;
    state.counters["gflops_2"] = theory::MoeExpertFlops(T, k, d, f) / t2 / 1e9;
  }
}

// One training step of the sequence model (sequence_model.h: embedding,
// one block of causal attention + MoE FFN, head, cross-entropy, AdamW,
// repack) against what it is built from, timed in interleaved rounds:
// the MoE layer's own forward + backward at the same T = batch x context
// tokens (the model's layer, on the input it saw), and the stack's dense
// GEMMs alone (attention projections and head, forward and backward, on
// MatMul). The rest of the step is the stack's own overhead (norms,
// attention's per-head loops, softmax, residuals, optimiser). Args: d,
// heads, E, k, context, batch (d_ff = 2 d, vocab 96, one block).
void BM_SequenceStep(benchmark::State& state) {
  const int64_t d = state.range(0), heads = state.range(1), E = state.range(2), k = state.range(3),
                L = state.range(4), N = state.range(5);
  const int64_t T = N * L, V = 96;
  SequenceConfig c;
  c.vocab = V;
  c.context = L;
  c.d_model = d;
  c.heads = heads;
  c.blocks = 1;
  c.moe.d_ff = 2 * d;
  c.moe.experts = E;
  c.moe.top_k = k;
  c.router = "topk_softmax";
  c.aux = {0.01, 0.001};
  c.threads = kThreads;
  Rng rng(9, 0, 0, 0);
  SequenceModel<float> model(c, rng);
  AdamW<float> opt(AdamWConfig{});
  std::vector<int32_t> tokens(T), targets(T);
  for (auto& t : tokens) t = static_cast<int32_t>(rng.UniformInt(V));
  for (auto& t : targets) t = static_cast<int32_t>(rng.UniformInt(V));
  const SequenceBatch batch{N, L, tokens.data(), targets.data()};
  auto step = [&] {
    model.ComputeGradients(batch);
    opt.Step(model.Params());
    model.ParamsChanged();
  };
  step();
  // The layer on the input it saw in the step (x is kept by the model).
  MoeLayer<float>& layer = model.layer(0);
  const std::vector<float> x(model.state(0).x, model.state(0).x + T * d);
  std::vector<float> y(T * d), dx(T * d), dy(T * d);
  for (auto& v : dy) v = static_cast<float>(Normal(rng, 0.0, 1e-3));
  MoeState<float> layer_state;
  MoeWeights<float> grads = MoeWeights<float>::Zeros(layer.config());
  auto layer_step = [&] {
    layer.Forward(x.data(), T, y.data(), &layer_state, true, nullptr);
    layer.Backward(dy.data(), layer_state, dx.data(), &grads, c.aux);
  };
  // The stack's GEMMs: 4 projections forward, 8 backward (dW and dx);
  // head forward, dW and dx.
  std::vector<float> a(T * d), w(d * d), out(T * d), da(T * d), dw(d * d), wh(d * V), logits(T * V),
      gw(d * V);
  for (auto& v : a) v = static_cast<float>(Normal(rng));
  for (auto& v : w) v = static_cast<float>(Normal(rng));
  for (auto& v : wh) v = static_cast<float>(Normal(rng));
  auto gemms = [&] {
    for (int i = 0; i < 4; ++i)
      MatMul(a.data(), false, w.data(), false, T, d, d, out.data(), false, kThreads);
    for (int i = 0; i < 4; ++i) {
      MatMul(a.data(), true, out.data(), false, d, d, T, dw.data(), false, kThreads);
      MatMul(out.data(), false, w.data(), true, T, d, d, da.data(), i > 0, kThreads);
    }
    MatMul(a.data(), false, wh.data(), false, T, V, d, logits.data(), false, kThreads);
    MatMul(a.data(), true, logits.data(), false, d, V, T, gw.data(), false, kThreads);
    MatMul(logits.data(), false, wh.data(), true, T, d, V, da.data(), false, kThreads);
  };
  for (auto _ : state) {
    const InterleavedTimes med = TimeInterleaved({step, layer_step, gemms}, 9);
    const double t_step = med.Median(0), t_layer = med.Median(1), t_gemm = med.Median(2);
    state.SetIterationTime(t_step);
    state.counters["step_ms"] = t_step * 1e3;
    state.counters["layer_ms"] = t_layer * 1e3;
    state.counters["gemm_ms"] = t_gemm * 1e3;
    // Ratios per round, then their median (as InterleavedTimes::Speedup).
    std::vector<double> share, overhead;
    for (size_t r = 0; r < med.seconds[0].size(); ++r) {
      const double s = med.seconds[0][r], l = med.seconds[1][r], g = med.seconds[2][r];
      share.push_back((l + g) / s);
      overhead.push_back((s - l - g) / l);
    }
    state.counters["layer_gemm_share"] = MedianOf(share);
    state.counters["overhead_vs_layer"] = MedianOf(overhead);
    state.counters["tokens_per_s"] = double(T) / t_step;
  }
}
BENCHMARK(BM_SequenceStep)
    ->Args({128, 4, 8, 2, 64, 32})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void PrefillShapes(benchmark::internal::Benchmark* b) {
  for (int64_t T : {512, 4096})
    for (int64_t k : {1, 2}) {
      b->Args({T, 4096, 8, k});
      b->Args({T, 2816, 64, k});
    }
  b->Args({1024, 2816, 64, 2});  // ~32 rows per expert
}

BENCHMARK(BM_Prefill)
    ->Apply(PrefillShapes)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Backward)
    ->Args({4096, 4096, 8, 2})
    ->Args({512, 4096, 8, 2})
    ->Args({4096, 2816, 64, 2})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decode)
    ->ArgsProduct({{1, 4, 16}, {8, 64}, {2}})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Scaling)
    ->Args({4096, 4096, 8, 2})
    ->Args({512, 2816, 64, 2})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace expertlab::moe

int main(int argc, char** argv) {
  // libgomp reads its spin policy when it is loaded, so it can only be set
  // for this process by re-executing it. By default idle OpenMP threads spin
  // for ~300k iterations; on a 2-vCPU guest that spin takes the core from the
  // thread doing the serial part (measured: decode 15 ms spinning, 2 ms not).
  if (!std::getenv("GOMP_SPINCOUNT") && !std::getenv("OMP_WAIT_POLICY")) {
    setenv("GOMP_SPINCOUNT", "1000", 1);
    execv("/proc/self/exe", argv);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  expertlab::moe::DenseBlas::SetBenchmarkEnvironment();
  const auto& blas = expertlab::moe::DenseBlas::Get();
  const auto& limits = expertlab::moe::Limits();
  const auto& kernels = expertlab::moe::BestFloatKernels();
  // The machine as this run saw it, for results/BENCH.md (bench_report.py).
  expertlab::AddMachineContext();
  const auto number = [](double value) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.1f", value);
    return std::string(text);
  };
  benchmark::AddCustomContext("moe_isa", kernels.name);
  benchmark::AddCustomContext("moe_simd_lanes", std::to_string(kernels.lanes));
  benchmark::AddCustomContext("dense_reference", blas.available()
                                                     ? "OpenBLAS, kernel " + blas.CoreName()
                                                     : "OpenBLAS missing");
  benchmark::AddCustomContext("limit_threads", std::to_string(expertlab::moe::kThreads));
  benchmark::AddCustomContext("limit_peak_gflops", number(limits.peak_gflops));
  benchmark::AddCustomContext("limit_triad_gbs", number(limits.triad_gbytes));
  benchmark::AddCustomContext("limit_read_gbs", number(limits.read_gbytes));
  benchmark::AddCustomContext(
      "gomp_spincount", std::getenv("GOMP_SPINCOUNT") ? std::getenv("GOMP_SPINCOUNT") : "(unset)");
  std::printf("dense reference: OpenBLAS %s (kernel %s); MoE float kernels: %s\n",
              blas.available() ? "loaded" : "missing", blas.CoreName().c_str(),
              expertlab::moe::BestFloatKernels().name);
  std::printf("GOMP_SPINCOUNT=%s\n",
              std::getenv("GOMP_SPINCOUNT") ? std::getenv("GOMP_SPINCOUNT") : "(unset)");
  std::printf(
      "machine: peak %.0f GFLOP/s (FMA loop, %d threads), STREAM triad %.1f GB/s, read-only "
      "stream %.1f GB/s\n",
      limits.peak_gflops, expertlab::moe::kThreads, limits.triad_gbytes, limits.read_gbytes);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
