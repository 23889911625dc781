// The disk-backed offloading engine on this host, two same-run ratios:
//
//   BM_OffloadColdLoad   an expert file of 64 experts of 1.6 MB (4 layers
//                        x 16, d = 256, f = 512, fp32). Per iteration the
//                        file's pages are dropped (fsync, then
//                        posix_fadvise DONTNEED) before each of: one
//                        sequential read of the whole file in 1 MiB preads
//                        (the host's reference), and the engine's loader
//                        reading every expert once in a shuffled order
//                        with O_DIRECT into aligned buffers, checksums
//                        verified. Counters seq_gbs, load_gbs (medians
//                        over rounds), load_vs_seq (median of per-round
//                        ratios; target >= 0.7).
//   BM_OffloadPrefetch   the engine decoding a sticky trace (rho = 0.8,
//                        256 tokens) with half the experts cached, with
//                        O_DIRECT reads: LRU (no prefetch) against the
//                        speculative next-layer gate at recall 0.85
//                        (prefetch on the background thread). Counters
//                        stall_ms_lru, stall_ms_prefetch (per token),
//                        prefetch_vs_lru (target <= 0.5).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include "algorithms/offload/engine.h"
#include "algorithms/offload/expert_loader.h"
#include "algorithms/offload/trace_generator.h"
#include "bench/bench_context.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "sim/timing.h"

namespace expertlab::offload {
namespace {

using Clock = std::chrono::steady_clock;

double BenchSecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// An expert file of 4 x 16 experts under $TMPDIR, removed with the object.
struct BenchExpertFile {
  std::filesystem::path dir;
  std::string path;
  BenchExpertFile() {
    dir = std::filesystem::temp_directory_path() /
          ("expertlab_offload_bench_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    path = (dir / "model.experts").string();
    moe::MoeConfig config;
    config.d_model = 256;
    config.d_ff = 512;
    config.experts = 16;
    config.top_k = 2;
    Rng rng(1, 0, 0, 0);
    WriteExpertFile(path, RandomMoeStack(config, 4, rng), WeightFormat::kFp32, 0);
  }
  ~BenchExpertFile() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  // Drops the file's pages from the page cache.
  void DropCache() const {
    const int fd = ::open(path.c_str(), O_RDONLY);
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
};

struct FreeBench {
  void operator()(uint8_t* p) const { std::free(p); }
};

void BM_OffloadColdLoad(benchmark::State& state) {
  const BenchExpertFile file;
  const int fd = ::open(file.path.c_str(), O_RDONLY);
  const ExpertFileHeader header = ReadExpertFileHeader(fd, file.path);
  constexpr size_t kChunk = size_t{1} << 20;
  std::unique_ptr<uint8_t, FreeBench> chunk(
      static_cast<uint8_t*>(std::aligned_alloc(4096, kChunk)));
  std::vector<std::unique_ptr<uint8_t, FreeBench>> buffers;
  for (int k = 0; k < header.keys(); ++k)
    buffers.emplace_back(
        static_cast<uint8_t*>(std::aligned_alloc(4096, static_cast<size_t>(header.stride))));
  std::vector<int> order(static_cast<size_t>(header.keys()));
  Rng rng(2, 0, 0, 0);
  const double bytes = static_cast<double>(header.FileBytes());
  const double experts_bytes = static_cast<double>(header.keys() * header.stride);
  std::vector<double> seq_gbs, load_gbs, ratios;
  for (auto _ : state) {
    file.DropCache();
    const auto seq_start = Clock::now();
    for (int64_t off = 0; off < header.FileBytes(); off += static_cast<int64_t>(kChunk))
      benchmark::DoNotOptimize(::pread(fd, chunk.get(), kChunk, off));
    seq_gbs.push_back(bytes / BenchSecondsSince(seq_start) / 1e9);

    for (int k = 0; k < header.keys(); ++k) order[static_cast<size_t>(k)] = k;
    Shuffle(rng, order);
    file.DropCache();
    ExpertLoader loader(file.path, header, true, true);
    const auto load_start = Clock::now();
    for (int k : order) loader.Submit(k, buffers[static_cast<size_t>(k)].get());
    for (int k : order) loader.Wait(k);
    load_gbs.push_back(experts_bytes / BenchSecondsSince(load_start) / 1e9);
    ratios.push_back(load_gbs.back() / seq_gbs.back());
  }
  ::close(fd);
  // Medians of per-round values: the virtual disk's throughput drifts
  // between rounds, and each round's ratio compares neighbours in time.
  state.counters["seq_gbs"] = MedianOf(seq_gbs);
  state.counters["load_gbs"] = MedianOf(load_gbs);
  state.counters["load_vs_seq"] = MedianOf(ratios);
}
BENCHMARK(BM_OffloadColdLoad)->Unit(benchmark::kMillisecond)->Iterations(9);

double StallMsPerToken(const std::string& file, const std::string& spec, const Trace& trace,
                       const std::vector<float>& inputs) {
  OffloadEngine probe(file, {.capacity_bytes = int64_t{1} << 40});
  OffloadEngine engine(
      file, {.capacity_bytes = trace.keys() / 2 * probe.header().stride, .direct_io = true});
  auto policy = Registry<CachePolicy>::Instance().Create(spec);
  Rng rng(3, 0, 0, 0);
  const EngineResult r = engine.Run(inputs, *policy, engine.Setup(nullptr), &trace, rng);
  return r.counts.StallPerToken() * 1e3;
}

void BM_OffloadPrefetch(benchmark::State& state) {
  const BenchExpertFile file;
  TraceShape shape;
  shape.layers = 4;
  shape.experts = 16;
  shape.top_k = 2;
  shape.requests = 4;
  shape.tokens = 64;
  shape.rho = 0.8;
  Rng rng(4, 0, 0, 0);
  const Trace trace = SampleTrace(DrawTraceModel(shape, rng), shape.requests, rng);
  std::vector<float> inputs(static_cast<size_t>(trace.tokens() * 256));
  for (auto& v : inputs) v = static_cast<float>(Normal(rng, 0.0, 1.0));
  double lru = 0, prefetch = 0;
  for (auto _ : state) {
    lru += StallMsPerToken(file.path, "lru", trace, inputs);
    prefetch += StallMsPerToken(file.path, "speculative(recall=0.85)", trace, inputs);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["stall_ms_lru"] = lru / n;
  state.counters["stall_ms_prefetch"] = prefetch / n;
  state.counters["prefetch_vs_lru"] = prefetch / lru;
}
BENCHMARK(BM_OffloadPrefetch)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace expertlab::offload

EXPERTLAB_BENCHMARK_MAIN();
