// The disk-backed offloading engine on this host, two same-run ratios:
//
//   BM_OffloadColdLoad   an expert file of 64 experts of 1.6 MB (4 layers
//                        x 16, d = 256, f = 512, fp32). Per iteration the
//                        file's pages are dropped (fsync, then
//                        posix_fadvise DONTNEED) before each of: one
//                        sequential read of the whole file in 1 MiB preads
//                        (the host's reference), and the engine's loader
//                        reading every expert once in a shuffled order
//                        with O_DIRECT into the engine's huge-page cache
//                        buffers (io_buffer.h), checksums verified.
//                        Counters seq_gbs, load_gbs (medians over rounds),
//                        load_vs_seq (median of per-round ratios; target
//                        >= 0.7), and read_gbs: the loader's reads alone,
//                        the bound a load's checksum keeps it under.
//   BM_OffloadPrefetch   the engine decoding a sticky trace (rho = 0.8,
//                        256 tokens) through 16 layers of 16 experts (a
//                        token's first layer cannot be prefetched; with
//                        few layers it would dominate the stall) with
//                        half the experts cached, the file
//                        in the page cache (first arg 0: a host-memory
//                        tier) or read with O_DIRECT (1: the disk), its
//                        experts in fp32 (second arg 0: a load decodes the
//                        blob into the in-memory layer's slot) or int8
//                        (1: a load is the read and the checksum; experts
//                        computed from the codes): LRU (no prefetch)
//                        against ExpertFlow-style adaptive look-ahead
//                        (prefetch on the background thread) whose
//                        emulated predictor is exact and looks through
//                        the token's remaining layers, as a routing-path
//                        predictor given the token can (third arg 0: the
//                        engine's overlap alone, the target's case), or
//                        the policy's defaults: each expert d <= 4 layers
//                        ahead guessed with probability 0.85^d (1: its
//                        wrong guesses take channel time).
//                        Counters stall_ms_lru, stall_ms_prefetch (per
//                        token), prefetch_vs_lru (target <= 0.5),
//                        ms_per_load (read, verify, decode) beside
//                        ms_compute_per_layer (what one layer of look-ahead
//                        hides).
//   BM_QuantDecode       decode of a stream of 16 tokens (T = 1 each)
//                        through one MoE layer (d = 1024, f = 4096, E = 16,
//                        top-2, 2 threads), as a decode loop runs: each
//                        token's two experts unused by the previous four
//                        (so their weights come from memory, not from a
//                        cache the last tokens filled), caches evicted
//                        before each stream. The in-memory layer (fp32,
//                        moe/layer.h) against the same routing with the
//                        experts computed from their codes
//                        (quantized_expert.h) in fp32, int8 and int4
//                        (groups of 32), and a STREAM triad pass over
//                        96 MiB, all interleaved in the same rounds.
//                        Counters per format: tokens/s, weight GB/s (bytes
//                        of the routed experts' codes and scales per token)
//                        and pct_triad (median over rounds of the share of
//                        that round's triad); x_vs_layer (tokens/s over the
//                        layer's; targets int8 >= 2.5, int4 >= 4) and
//                        x_vs_fp32 (over the fp32 codes path).
//   BM_SimulatorReplay   the trace simulator (simulator.h) replaying a
//                        synthetic trace of 128 tokens (4 layers x 16
//                        experts, top-2, generator defaults otherwise, a
//                        quarter cached) with each
//                        policy of offload_validation's grid (label):
//                        tokens_s, trace tokens replayed per second, the
//                        numerator of that experiment's speed ratio.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <vector>

#include "algorithms/moe/dense_blas.h"
#include "algorithms/offload/engine.h"
#include "algorithms/offload/expert_loader.h"
#include "algorithms/offload/io_buffer.h"
#include "algorithms/offload/quantized_expert.h"
#include "algorithms/offload/scratch_dir.h"
#include "algorithms/offload/simulator.h"
#include "algorithms/offload/stack_decode.h"
#include "algorithms/offload/trace_generator.h"
#include "bench/bench_context.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "sim/timing.h"

namespace expertlab::offload {
namespace {

using Clock = std::chrono::steady_clock;

// The prefetching policies BM_OffloadPrefetch measures against LRU: the
// look-ahead with an exact predictor through the token's remaining layers
// (a load takes up to 6 layers of compute here, so the default reach of 4
// layers leaves loads late), and with its defaults.
constexpr const char* kPrefetchSpecs[] = {"lookahead(recall=1,max_distance=16)", "lookahead"};
// Layers of BM_OffloadPrefetch's model: a token's first layer is never
// prefetched (its routing needs the token), so with few layers that
// layer's misses dominate any prefetcher's stall.
constexpr int kPrefetchLayers = 16;

double BenchSecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// An expert file of `layers` x 16 experts under $TMPDIR in `format` (groups
// of 32), removed with the object.
struct BenchExpertFile {
  ScratchDir dir{"offload_bench"};
  std::string path = dir.ExpertFile();
  explicit BenchExpertFile(WeightFormat format = WeightFormat::kFp32, int layers = 4) {
    moe::MoeConfig config;
    config.d_model = 256;
    config.d_ff = 512;
    config.experts = 16;
    config.top_k = 2;
    Rng rng(1, 0, 0, 0);
    WriteExpertFile(path, RandomMoeStack(config, layers, rng), format,
                    format == WeightFormat::kFp32 ? 0 : 32);
  }
  // Drops the file's pages from the page cache.
  void DropCache() const {
    const int fd = ::open(path.c_str(), O_RDONLY);
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
};

void BM_OffloadColdLoad(benchmark::State& state) {
  const BenchExpertFile file;
  const int fd = ::open(file.path.c_str(), O_RDONLY);
  const ExpertFileHeader header = ReadExpertFileHeader(fd, file.path);
  constexpr int64_t kChunk = int64_t{1} << 20;
  const IoBuffer chunk(1, kChunk);
  const IoBuffer buffers(header.keys(), header.stride);
  std::vector<int> order(static_cast<size_t>(header.keys()));
  Rng rng(2, 0, 0, 0);
  const double bytes = static_cast<double>(header.FileBytes());
  const double experts_bytes = static_cast<double>(header.keys() * header.stride);
  std::vector<double> seq_gbs, load_gbs, read_gbs, ratios;
  for (auto _ : state) {
    file.DropCache();
    const auto seq_start = Clock::now();
    for (int64_t off = 0; off < header.FileBytes(); off += kChunk)
      benchmark::DoNotOptimize(::pread(fd, chunk.Slot(0), static_cast<size_t>(kChunk), off));
    seq_gbs.push_back(bytes / BenchSecondsSince(seq_start) / 1e9);

    for (int k = 0; k < header.keys(); ++k) order[static_cast<size_t>(k)] = k;
    Shuffle(rng, order);
    file.DropCache();
    ExpertLoader loader(file.path, header, true, true);
    const auto load_start = Clock::now();
    for (int k : order) loader.Submit(k, buffers.Slot(k));
    for (int k : order) loader.Wait(k);
    load_gbs.push_back(experts_bytes / BenchSecondsSince(load_start) / 1e9);
    ratios.push_back(load_gbs.back() / seq_gbs.back());
    read_gbs.push_back(experts_bytes / loader.ReadSeconds() / 1e9);
  }
  ::close(fd);
  // Medians of per-round values: the virtual disk's throughput drifts
  // between rounds, and each round's ratio compares neighbours in time.
  state.counters["seq_gbs"] = MedianOf(seq_gbs);
  state.counters["load_gbs"] = MedianOf(load_gbs);
  state.counters["read_gbs"] = MedianOf(read_gbs);
  state.counters["load_vs_seq"] = MedianOf(ratios);
}
BENCHMARK(BM_OffloadColdLoad)->Unit(benchmark::kMillisecond)->Iterations(9);

// A synthetic trace of 4 requests of `tokens` tokens through `layers`
// layers of 16 experts, top-2, with stickiness `rho` (generator defaults
// otherwise).
Trace BenchTrace(int layers, int tokens, double rho, Rng& rng) {
  TraceShape shape;
  shape.layers = layers;
  shape.experts = 16;
  shape.top_k = 2;
  shape.requests = 4;
  shape.tokens = tokens;
  shape.rho = rho;
  return SampleTrace(DrawTraceModel(shape, rng), shape.requests, rng);
}

EngineResult DecodeFromDisk(const std::string& file, const std::string& spec, const Trace& trace,
                            const std::vector<float>& inputs, bool direct_io) {
  OffloadEngine probe(file, {.capacity_bytes = int64_t{1} << 40});
  OffloadEngine engine(
      file, {.capacity_bytes = trace.keys() / 2 * probe.header().stride, .direct_io = direct_io});
  auto policy = Registry<CachePolicy>::Instance().Create(spec);
  Rng rng(3, 0, 0, 0);
  return engine.Run(inputs, *policy, engine.Setup(nullptr), &trace, rng);
}

void BM_OffloadPrefetch(benchmark::State& state) {
  const BenchExpertFile file(state.range(1) != 0 ? WeightFormat::kInt8 : WeightFormat::kFp32,
                             kPrefetchLayers);
  Rng rng(4, 0, 0, 0);
  const Trace trace = BenchTrace(kPrefetchLayers, 64, 0.8, rng);
  std::vector<float> inputs(static_cast<size_t>(trace.tokens() * 256));
  for (auto& v : inputs) v = static_cast<float>(Normal(rng, 0.0, 1.0));
  const bool direct_io = state.range(0) != 0;
  state.SetLabel(kPrefetchSpecs[state.range(2)]);
  std::vector<double> lru_ms, prefetch_ms, ratios, load_ms, compute_ms;
  for (auto _ : state) {
    const EngineResult lru = DecodeFromDisk(file.path, "lru", trace, inputs, direct_io);
    const EngineResult ahead =
        DecodeFromDisk(file.path, kPrefetchSpecs[state.range(2)], trace, inputs, direct_io);
    lru_ms.push_back(lru.counts.StallPerToken() * 1e3);
    prefetch_ms.push_back(ahead.counts.StallPerToken() * 1e3);
    ratios.push_back(prefetch_ms.back() / lru_ms.back());
    load_ms.push_back(ahead.load_seconds / double(ahead.counts.loads) * 1e3);
    compute_ms.push_back(ahead.compute_seconds / double(ahead.counts.tokens * trace.layers) * 1e3);
  }
  const double ahead_load_ms = MedianOf(load_ms), layer_ms = MedianOf(compute_ms);
  state.counters["stall_ms_lru"] = MedianOf(lru_ms);
  state.counters["stall_ms_prefetch"] = MedianOf(prefetch_ms);
  state.counters["prefetch_vs_lru"] = MedianOf(ratios);
  state.counters["ms_per_load"] = ahead_load_ms;
  state.counters["ms_compute_per_layer"] = layer_ms;
}
BENCHMARK(BM_OffloadPrefetch)
    ->ArgsProduct({{0, 1}, {0, 1}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

// Inputs for a decode stream of `count` tokens, each routed (top-k) to
// experts none of the previous `fresh` tokens used, so that every token's
// expert weights come from memory, not from a cache the last tokens filled.
std::vector<std::vector<float>> FreshExpertStream(moe::MoeLayer<float>& layer, int64_t count,
                                                  int64_t fresh, Rng& rng) {
  const int64_t d = layer.config().d_model;
  std::vector<std::vector<float>> stream;
  std::vector<std::vector<int32_t>> used;
  moe::MoeState<float> st;
  while (static_cast<int64_t>(stream.size()) < count) {
    std::vector<float> x(static_cast<size_t>(d));
    for (auto& v : x) v = static_cast<float>(Normal(rng, 0.0, 1.0));
    layer.Route(x.data(), 1, &st, false, nullptr);
    const std::vector<int32_t> experts(st.expert.begin(), st.expert.begin() + st.slots);
    const auto recent =
        used.size() > static_cast<size_t>(fresh) ? used.end() - fresh : used.begin();
    const bool clash = std::any_of(recent, used.end(), [&](const std::vector<int32_t>& u) {
      return std::find_first_of(u.begin(), u.end(), experts.begin(), experts.end()) != u.end();
    });
    if (clash) continue;
    used.push_back(experts);
    stream.push_back(std::move(x));
  }
  return stream;
}

void BM_QuantDecode(benchmark::State& state) {
  constexpr int kThreads = 2;
  constexpr int64_t kStreamTokens = 16, kFreshTokens = 4;
  moe::MoeConfig config;
  config.d_model = 1024;
  config.d_ff = 4096;
  config.experts = 16;
  config.top_k = 2;
  config.threads = kThreads;
  moe::BenchMoe m = moe::MakeBenchMoe(config, 1, 7, kThreads);
  Rng rng(9, 0, 0, 0);
  const std::vector<std::vector<float>> stream =
      FreshExpertStream(*m.layer, kStreamTokens, kFreshTokens, rng);
  const std::vector<WeightFormat> formats = {WeightFormat::kFp32, WeightFormat::kInt8,
                                             WeightFormat::kInt4};
  std::vector<std::vector<QuantizedExpert>> experts(formats.size());
  for (size_t i = 0; i < formats.size(); ++i)
    for (int64_t g = 0; g < config.experts; ++g)
      experts[i].push_back(QuantizeExpert(m.layer->weights(), g, config.activation, formats[i],
                                          formats[i] == WeightFormat::kFp32 ? 0 : 32));
  std::vector<float> y(static_cast<size_t>(config.d_model)), hidden;
  std::vector<ExpertView> views;
  moe::MoeState<float> st;
  // Bytes of the routed experts' codes and scales per token, per format.
  std::vector<double> bytes(formats.size(), 0.0);
  for (const auto& x : stream) {
    m.layer->Route(x.data(), 1, &st, false, nullptr);
    for (int64_t s = 0; s < st.slots; ++s)
      for (size_t i = 0; i < formats.size(); ++i)
        bytes[i] += static_cast<double>(experts[i][st.expert[s]].Bytes()) / kStreamTokens;
  }
  // STREAM triad over 96 MiB (beyond the last-level cache), timed in the
  // same rounds, so each round's bandwidth is a share of that round's triad.
  const size_t triad_n = size_t{1} << 22;
  std::vector<double> ta(triad_n, 0.0), tb(triad_n, 1.0), tc(triad_n, 2.0);
  const double triad_bytes = 24.0 * static_cast<double>(triad_n);
  std::vector<std::function<void()>> variants = {[&] { moe::TriadPass(ta, tb, tc, kThreads); },
                                                 [&] {
                                                   for (const auto& x : stream)
                                                     m.layer->Forward(x.data(), 1, y.data(), &st);
                                                 }};
  for (size_t i = 0; i < formats.size(); ++i)
    variants.push_back([&, i] {
      for (const auto& x : stream) {
        m.layer->Route(x.data(), 1, &st, false, nullptr);
        views.clear();
        for (int64_t s = 0; s < st.slots; ++s) views.push_back(experts[i][st.expert[s]].View());
        ApplyExpertViews(views, st.weight, x, y, &hidden, kThreads);
      }
    });
  for (auto _ : state) {
    const InterleavedTimes t = TimeInterleaved(variants, 15, EvictCaches);
    constexpr size_t kTriad = 0, kLayer = 1;
    state.SetIterationTime(t.Median(kLayer) / kStreamTokens);
    // Median over rounds of (the variant's weight bytes per second) over
    // (that round's triad bytes per second).
    const auto pct_triad = [&](size_t variant, double token_bytes) {
      return 100.0 * token_bytes * kStreamTokens / triad_bytes * t.Speedup(variant, kTriad);
    };
    for (size_t i = 0; i < formats.size(); ++i) {
      const std::string name = FormatName(formats[i]);
      const size_t v = kLayer + 1 + i;
      state.counters[name + "_tokens_s"] = kStreamTokens / t.Median(v);
      state.counters[name + "_gbs"] = bytes[i] * kStreamTokens / t.Median(v) / 1e9;
      state.counters[name + "_pct_triad"] = pct_triad(v, bytes[i]);
      state.counters[name + "_x_vs_layer"] = t.Speedup(v, kLayer);
      if (i > 0) state.counters[name + "_x_vs_fp32"] = t.Speedup(v, kLayer + 1);
    }
    state.counters["layer_tokens_s"] = kStreamTokens / t.Median(kLayer);
    state.counters["layer_pct_triad"] = pct_triad(kLayer, bytes[0]);
    state.counters["round_triad_gbs"] = triad_bytes / t.Median(kTriad) / 1e9;
  }
}
BENCHMARK(BM_QuantDecode)->Iterations(1)->UseManualTime()->Unit(benchmark::kMicrosecond);

// The simulator's replay speed for each policy of offload_validation's grid.
constexpr const char* kReplayPolicies[] = {"lru", "lfu", "speculative(recall=0.85)", "lookahead",
                                           "belady"};

void BM_SimulatorReplay(benchmark::State& state) {
  const char* spec = kReplayPolicies[state.range(0)];
  state.SetLabel(spec);
  Rng rng(5, 0, 0, 0);
  const Trace trace = BenchTrace(4, 32, TraceShape{}.rho, rng);
  const CacheSetup setup = MakeSetup(trace, trace.keys() / 4, nullptr);
  const CostModel cost{
      .expert_bytes = 4e5, .bandwidth = 2e9, .latency_seconds = 2e-5, .compute_seconds = 1e-4};
  for (auto _ : state) {
    state.PauseTiming();
    auto policy = Registry<CachePolicy>::Instance().Create(spec);
    Rng replay_rng(6, 0, 0, 0);
    state.ResumeTiming();
    benchmark::DoNotOptimize(Replay(trace, *policy, setup, cost, replay_rng));
  }
  state.counters["tokens_s"] = benchmark::Counter(
      static_cast<double>(trace.tokens()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulatorReplay)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace expertlab::offload

EXPERTLAB_BENCHMARK_MAIN();
