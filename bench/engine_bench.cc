// Engine overhead, measured as ratios within one run:
//   BM_StoreTrivialCells   100,000 trivial cells through the executor and
//                          SQLite store on 2 threads (target >= 50,000/s)
//   BM_CpuBoundScaling     a CPU-bound sweep on 1 and then 2 threads; the
//                          counter `speedup` is t(1)/t(2) (target >= 1.8)
//   BM_PhiloxUniform       random doubles per second from one stream
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "bench/bench_context.h"
#include "sim/executor.h"
#include "sim/grid.h"
#include "sim/registry.h"
#include "sim/store.h"

namespace expertlab {
namespace {

// One metric row per cell: all cost is engine overhead.
class TrivialExperiment final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {ParamSpec::Int("x", 0, Bounds::Closed(0, 1 << 30), "id")};
  }
  void RunCell(const Params& p, CellContext& context) const override {
    context.Record("x", 0, static_cast<double>(p.Int("x")));
  }
};

// About 2 ms of dependent floating-point work per cell, no memory traffic.
class SpinExperiment final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {ParamSpec::Int("x", 0, Bounds::Closed(0, 1 << 30), "id")};
  }
  void RunCell(const Params&, CellContext& context) const override {
    Rng rng = context.Stream(0);
    double acc = rng.Uniform();
    for (int i = 0; i < 400000; ++i) acc = std::sqrt(acc * acc + 1e-9 * i);
    context.Record("acc", 0, acc);
  }
};

std::vector<Cell> Cells(int64_t count) {
  SweepConfig config;
  config.experiment = "bench";
  std::vector<Value> xs;
  for (int64_t i = 0; i < count; ++i) xs.emplace_back(i);
  config.grid = {{"x", xs}};
  return ExpandGrid(config);
}

// Runs every cell once through the executor into a fresh store; seconds.
double Sweep(const Experiment& experiment, const std::vector<Cell>& cells, int threads) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("expertlab_bench_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  Store store((dir / "store.db").string(), "bench", 1);
  const int64_t sweep = store.BeginSweep({"{}", threads, ""});
  Progress quiet("bench", cells.size(), 0, /*quiet=*/true);
  const auto start = std::chrono::steady_clock::now();
  ExecuteItems(
      experiment, cells, AllWorkItems(cells, 1), 1, threads,
      [&](const std::vector<ItemResult>& b) { store.Write(b, sweep); }, quiet);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::filesystem::remove_all(dir);
  return seconds;
}

void BM_StoreTrivialCells(benchmark::State& state) {
  const auto cells = Cells(100000);
  TrivialExperiment experiment;
  for (auto _ : state) {
    const double seconds = Sweep(experiment, cells, 2);
    state.SetIterationTime(seconds);
    state.counters["cells_per_s"] = cells.size() / seconds;
  }
}
BENCHMARK(BM_StoreTrivialCells)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_CpuBoundScaling(benchmark::State& state) {
  const auto cells = Cells(400);
  SpinExperiment experiment;
  for (auto _ : state) {
    const double one = Sweep(experiment, cells, 1);
    const double two = Sweep(experiment, cells, 2);
    state.SetIterationTime(one + two);
    state.counters["t1_s"] = one;
    state.counters["t2_s"] = two;
    state.counters["speedup"] = one / two;
  }
}
BENCHMARK(BM_CpuBoundScaling)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_PhiloxUniform(benchmark::State& state) {
  Rng rng(1, 2, 3, 4);
  double sum = 0;
  for (auto _ : state) sum += rng.Uniform();
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhiloxUniform);

}  // namespace
}  // namespace expertlab

EXPERTLAB_BENCHMARK_MAIN()
