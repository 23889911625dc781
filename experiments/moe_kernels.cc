// moe_kernels: throughput of the sparse-MoE layer against tokens per expert,
// beside its roofline, a dense FLOP-equivalent layer and the per-expert
// gather -> GEMM -> scatter references, all measured in the same cell.
//
// One cell = one shape (T, d, f, E, k) and router (a spec of the router
// registry; a stochastic one draws from the cell's stream 1); the layer runs with
// context.threads() OpenMP threads (the experiment is exclusive). Timings
// are medians over `repeats` interleaved rounds, each call starting with
// cold caches, ratios medians of per-round ratios (sim/timing.h).
// The roofline is that of S. Williams, A. Waterman, D. Patterson,
// "Roofline: an insightful visual performance model for multicore
// architectures", CACM 52(4), 2009, with the counts of theory/roofline.h.
//
// Metrics (step 0):
//   fast_gflops        MoE layer forward, 6 T k d f / time (router excluded
//                      from the count, included in the time)
//   dense_gflops       one SwiGLU MLP of width k f over all T tokens
//                      (OpenBLAS if present; the attribute dense says which)
//   ref_blas_gflops    gather -> OpenBLAS per expert -> scatter (if present)
//   ref_eigen_gflops   gather -> Eigen per expert -> scatter (reference.h)
//   pct_dense, x_vs_ref_blas, x_vs_ref_eigen   same-cell ratios
//   rows_per_expert    T k / E;  experts_touched (measured)
//   load_max           the busiest expert's kept slots over the mean, T k / E
//   routing_checksum   a 52-bit hash of the last call's experts and weights:
//                      equal across threads and shards (a function of the
//                      seed, the cell and the replicate, like load_max)
//   weight_gbs         touched expert bytes / fast time
//   intensity          FLOP per weight byte, 2 T k / (touched * 4)
//   roofline_gflops    min(peak, intensity * triad) (theory/roofline.h)
//   peak_gflops, triad_gbs   measured machine limits (FMA loop, STREAM triad)
//   simd_lanes         1/8/16
// Attributes (text columns): isa (generic, avx2_fma, avx512), dense
// (openblas or eigen: what the dense reference ran on), and, as for every
// measured experiment, host and cpu.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <thread>

#include "algorithms/moe/dense_blas.h"
#include "algorithms/moe/layer.h"
#include "algorithms/moe/reference.h"
#include "algorithms/moe/router.h"
#include "sim/experiment.h"
#include "sim/timing.h"
#include "theory/roofline.h"

namespace expertlab::experiments {
namespace {

using namespace expertlab::moe;

// Untimed before each timed call: a pause, so the previous variant's thread
// pool (OpenMP or OpenBLAS) has stopped spinning (on 2 cores it steals a
// core), then a cache eviction, so every call streams its weights cold, as in
// a model where other layers ran in between (decode's weights can be a few
// times the last-level cache, which would otherwise serve part of them).
void BeforeEachCall() {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EvictCaches();
}

const MachineLimits& Limits(int threads) {
  static int measured_for = -1;
  static MachineLimits limits;
  if (measured_for != threads) {
    limits = MeasureMachine(threads);
    measured_for = threads;
  }
  return limits;
}

class MoeKernels final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        ParamSpec::Int("T", 512, Bounds::Closed(1, 1 << 20), "tokens per call"),
        ParamSpec::Int("d", 1024, Bounds::Closed(1, 1 << 16), "model width"),
        ParamSpec::Int("f", 4096, Bounds::Closed(1, 1 << 18), "expert hidden width"),
        ParamSpec::Int("E", 8, Bounds::Closed(1, 4096), "routed experts"),
        ParamSpec::Int("k", 2, Bounds::Closed(1, 64), "experts per token"),
        SpecParam<Router>("router", "topk_softmax(renormalize=true)",
                          "router spec, e.g. noisy_topk(noise=0.5)"),
        ParamSpec::Int("repeats", 5, Bounds::Closed(1, 1000), "interleaved timing rounds (median)"),
        ParamSpec::Bool("references", true,
                        "also time the dense layer and the gather-GEMM-scatter "
                        "references"),
    };
  }
  bool Exclusive() const override { return true; }
  bool Measured() const override { return true; }
  // The shape defines the model and the tokens (the timing settings do not),
  // so cells that time one shape differently run on the same weights.
  std::vector<std::string> DataKeys() const override { return {"T", "d", "f", "E", "k"}; }
  void CheckCell(const Params& p) const override {
    Registry<Router>::Instance().Create(p.String("router"))->Slots(p.Int("k"), p.Int("E"));
  }

  void RunCell(const Params& p, CellContext& context) const override {
    const int64_t T = p.Int("T"), d = p.Int("d"), f = p.Int("f"), E = p.Int("E"), k = p.Int("k");
    const int repeats = static_cast<int>(p.Int("repeats"));
    const int threads = std::max(1, context.threads());
    DenseBlas::SetBenchmarkEnvironment();  // before OpenBLAS loads (first cell)
    MoeConfig config;
    config.d_model = d;
    config.d_ff = f;
    config.experts = E;
    config.top_k = k;
    config.threads = threads;
    config.Validate();
    EXPERTLAB_CHECK(k <= E) << "moe_kernels: k = " << k << " exceeds E = " << E;
    // Values only need to be finite and O(1); a hash fill keyed by the
    // shape's data stream keeps setup fast for gigabyte-sized weights.
    Rng rng = context.DataStream(1);
    BenchMoe model = MakeBenchMoe(config, T, rng.NextU64(), threads,
                                  Registry<Router>::Instance().Create(p.String("router")));
    MoeLayer<float>& layer = *model.layer;
    Rng route = context.Stream(1);
    const std::vector<float>& x = model.x;
    std::vector<float> y(T * d), y_ref(T * d);
    MoeState<float> state;

    const double flops = theory::MoeExpertFlops(T, k, d, f);
    // The references run interleaved with the fast layer (sim/timing.h): a
    // ratio is the median of per-round ratios, robust to a shared machine's
    // slow phases; a ratio of separate medians is not.
    const bool references = p.Bool("references");
    std::unique_ptr<DenseSwiGlu> dense;
    std::vector<std::function<void()>> variants = {
        [&] { layer.Forward(x.data(), T, y.data(), &state, false, &route); }};
    if (references) {
      dense = std::make_unique<DenseSwiGlu>(T, d, k * f, threads, rng.NextU64());
      variants.push_back([&] { dense->Forward(); });
      if (DenseBlas::Get().available())
        variants.push_back([&] {
          GatherBlasScatterForward(config, layer.weights(), x.data(), T, state.slots,
                                   state.expert.data(), state.weight.data(), y_ref.data());
        });
    }
    const InterleavedTimes times = TimeInterleaved(variants, repeats, BeforeEachCall);
    const double t_fast = times.Median(0);
    int64_t touched = 0;
    for (int64_t e = 0; e < E; ++e) touched += state.stats.kept[e] > 0;
    const MachineLimits& limits = Limits(threads);
    const double intensity = theory::MoeIntensity(T, k, double(touched), 4);
    context.Record("fast_gflops", 0, flops / t_fast / 1e9);
    context.Record("rows_per_expert", 0, double(T * k) / double(E));
    context.Record("experts_touched", 0, double(touched));
    const int64_t busiest = *std::max_element(state.stats.kept.begin(), state.stats.kept.end());
    context.Record("load_max", 0, double(busiest * E) / double(T * k));
    uint64_t checksum = 0;
    for (size_t i = 0; i < state.expert.size(); ++i)
      checksum = MixSeed(MixSeed(checksum, uint64_t(state.expert[i] + 1)),
                         std::bit_cast<uint32_t>(state.weight[i]));
    context.Record("routing_checksum", 0, double(checksum >> 12));
    context.Record("weight_gbs", 0,
                   theory::MoeWeightBytes(double(touched), d, f, 4) / t_fast / 1e9);
    context.Record("intensity", 0, intensity);
    context.Record("roofline_gflops", 0,
                   theory::RooflineGflops(intensity, limits.peak_gflops, limits.triad_gbytes));
    context.Record("peak_gflops", 0, limits.peak_gflops);
    context.Record("triad_gbs", 0, limits.triad_gbytes);
    context.Record("threads", 0, threads);
    const FloatKernels& kernels = BestFloatKernels();
    context.Attribute("isa", kernels.name);
    context.Record("simd_lanes", 0, kernels.lanes);
    if (!references) return;

    context.Record("dense_gflops", 0, flops / times.Median(1) / 1e9);
    context.Attribute("dense", dense->uses_blas() ? "openblas" : "eigen");
    context.Record("pct_dense", 0, 100.0 * times.Speedup(0, 1));
    if (variants.size() > 2) {
      context.Record("ref_blas_gflops", 0, flops / times.Median(2) / 1e9);
      context.Record("x_vs_ref_blas", 0, times.Speedup(0, 2));
    }
    // The Eigen reference is several times slower: fewer rounds, each again
    // paired with a run of the fast layer.
    const InterleavedTimes eigen =
        TimeInterleaved({variants[0],
                         [&] {
                           GatherGemmScatterForward(config, layer.weights(), x.data(), T,
                                                    state.slots, state.expert.data(),
                                                    state.weight.data(), y_ref.data(), threads);
                         }},
                        std::max(1, repeats / 2), BeforeEachCall);
    context.Record("ref_eigen_gflops", 0, flops / eigen.Median(1) / 1e9);
    context.Record("x_vs_ref_eigen", 0, eigen.Speedup(0, 1));
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(MoeKernels, "moe_kernels",
                              "MoE layer throughput vs tokens per expert: fast "
                              "kernels, dense SGEMM, gather-GEMM-scatter, roofline")

}  // namespace expertlab::experiments
