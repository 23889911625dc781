// Ranking-family microbenchmarks: the noise a Querier draws (Compare's
// inner loop: one Sum of t paired samples per drawn task) against the raw
// Gaussian sampler of sim/samplers.
//
//   BM_RawNormal               Normal(rng) in a loop: samples/s
//   BM_QuerierSum/<t>/<noise>  Querier::Sum of t samples of one (expert,
//                              task) pair, cycling over pairs: queries/s
//   BM_NoiseVsRawNormal/<t>    both in the same iterations, alternating,
//                              so the ratio is measured under the same
//                              machine load; counters querier_Mqps,
//                              raw_Msps, ratio_vs_raw
//
// Target: the querier sustains at least half the raw sampler's rate per
// core (ratio_vs_raw >= 0.5) at the batch sizes Compare uses (t >= 16).
#include <benchmark/benchmark.h>

#include <chrono>

#include "algorithms/ranking/environment.h"
#include "bench/bench_context.h"
#include "sim/samplers.h"

namespace expertlab::ranking {
namespace {

constexpr int kExperts = 4;
constexpr int kTasks = 64;

Environment BenchEnvironment(Noise noise) {
  return Environment(Eigen::MatrixXd::Zero(kExperts, kTasks), noise, 17);
}

// Draws `count` samples spread over the pairs in batches of t.
double QuerierSamples(Querier& querier, int64_t t, int64_t count, int64_t& pair) {
  double sum = 0;
  for (int64_t drawn = 0; drawn < count; drawn += t, ++pair)
    sum += querier.Sum(static_cast<int>(pair % kExperts), static_cast<int>(pair / kExperts % kTasks),
                       t);
  return sum;
}

double RawSamples(Rng& rng, int64_t count) {
  double sum = 0;
  for (int64_t drawn = 0; drawn < count; ++drawn) sum += Normal(rng);
  return sum;
}

void BM_RawNormal(benchmark::State& state) {
  Rng rng(1, 2, 3, 4);
  double sum = 0;
  for (auto _ : state) sum += Normal(rng);
  benchmark::DoNotOptimize(sum);
  state.counters["samples/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RawNormal);

void BM_QuerierSum(benchmark::State& state) {
  const int64_t t = state.range(0);
  const Environment environment =
      BenchEnvironment(state.range(1) == 0 ? Noise::kGaussian : Noise::kRademacher);
  Querier querier(environment, int64_t{1} << 60);
  int64_t pair = 0;
  for (auto _ : state) benchmark::DoNotOptimize(QuerierSamples(querier, t, t, pair));
  state.counters["queries/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(t), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_QuerierSum)->ArgsProduct({{1, 16, 256, 4096}, {0, 1}});

void BM_NoiseVsRawNormal(benchmark::State& state) {
  using Clock = std::chrono::steady_clock;
  const int64_t t = state.range(0);
  const int64_t count = std::max<int64_t>(t, 4096);
  const Environment environment = BenchEnvironment(Noise::kGaussian);
  Querier querier(environment, int64_t{1} << 60);
  Rng rng(1, 2, 3, 4);
  int64_t pair = 0;
  double querier_seconds = 0, raw_seconds = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    benchmark::DoNotOptimize(QuerierSamples(querier, t, count, pair));
    const auto t1 = Clock::now();
    benchmark::DoNotOptimize(RawSamples(rng, count));
    const auto t2 = Clock::now();
    querier_seconds += std::chrono::duration<double>(t1 - t0).count();
    raw_seconds += std::chrono::duration<double>(t2 - t1).count();
  }
  const double samples = static_cast<double>(state.iterations()) * static_cast<double>(count);
  state.counters["querier_Mqps"] = samples / querier_seconds / 1e6;
  state.counters["raw_Msps"] = samples / raw_seconds / 1e6;
  state.counters["ratio_vs_raw"] = raw_seconds / querier_seconds;
}
BENCHMARK(BM_NoiseVsRawNormal)->Arg(1)->Arg(16)->Arg(256)->Arg(4096);

}  // namespace
}  // namespace expertlab::ranking

EXPERTLAB_BENCHMARK_MAIN()
