// Experts-family microbenchmarks.
//
//   BM_HedgeDay/<n>/<anytime>   one Hedge day (Act + ExpectedLoss + Observe)
//                               over n experts; counter expert_updates/s
//   BM_ScalarHedgeDay/<n>       the same day as a plain scalar loop (std::exp,
//                               linear-scan sampling): the reference
//   BM_HedgeSpeedup/<n>         both in the same iterations, alternating, so
//                               the ratio is measured under the same machine
//                               load; counters vectorised_Mups, scalar_Mups,
//                               speedup
//   BM_PoolDay/<S>              one multiscale_pool day with memory S on a
//                               streaming planted instance (n = 2^14)
//
// Target: >= 300 million expert-updates per second per core for
// Hedge at n = 2^16. The machine is shared: run with
//   --benchmark_repetitions=9 --benchmark_report_aggregates_only=true
// and read the medians.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "algorithms/experts/game.h"
#include "algorithms/experts/hedge.h"
#include "bench/bench_context.h"
#include "sim/experiment.h"
#include "sim/registry.h"

namespace expertlab::experts {
namespace {

constexpr int kLossVectors = 4;

// Bernoulli(1/2) loss vectors, cycled through by the benchmarks.
std::vector<Eigen::ArrayXd> LossVectors(int n) {
  Rng rng(7, 0, 0, 0);
  std::vector<Eigen::ArrayXd> out(kLossVectors, Eigen::ArrayXd(n));
  for (auto& v : out)
    for (int i = 0; i < n; ++i) v[i] = rng.Uniform() < 0.5 ? 1.0 : 0.0;
  return out;
}

// The plain scalar reference: the same max-shifted exponential weights,
// written the obvious way.
class ScalarHedge {
 public:
  ScalarHedge(int n, double eta) : eta_(eta), cumulative_(n, 0.0), weights_(n, 1.0), total_(n) {}
  int Act(double u) const {
    double left = u * total_;
    for (size_t i = 0; i + 1 < weights_.size(); ++i) {
      left -= weights_[i];
      if (left < 0) return static_cast<int>(i);
    }
    return static_cast<int>(weights_.size()) - 1;
  }
  double ExpectedLoss(const Eigen::ArrayXd& losses) const {
    double sum = 0;
    for (size_t i = 0; i < weights_.size(); ++i) sum += weights_[i] * losses[i];
    return sum / total_;
  }
  void Observe(const Eigen::ArrayXd& losses) {
    double lowest = cumulative_[0] + losses[0];
    for (size_t i = 0; i < cumulative_.size(); ++i) {
      cumulative_[i] += losses[i];
      lowest = std::min(lowest, cumulative_[i]);
    }
    total_ = 0;
    for (size_t i = 0; i < weights_.size(); ++i) {
      weights_[i] = std::exp(-eta_ * (cumulative_[i] - lowest));
      total_ += weights_[i];
    }
  }

 private:
  double eta_;
  std::vector<double> cumulative_;
  std::vector<double> weights_;
  double total_;
};

double HedgeDay(ExpertsLearner& hedge, const Eigen::ArrayXd& losses) {
  const LossView view(losses, hedge, true);
  const int action = hedge.Act();
  const double expected = hedge.ExpectedLoss(view);
  hedge.Observe(view);
  return expected + action;
}

void BM_HedgeDay(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const bool anytime = state.range(1) != 0;
  auto hedge =
      Registry<ExpertsLearner>::Instance().Create(anytime ? "hedge(schedule=anytime)" : "hedge");
  hedge->Start(n, 1 << 20, Rng(1, 0, 0, 0));
  const auto losses = LossVectors(n);
  int64_t day = 0;
  for (auto _ : state) benchmark::DoNotOptimize(HedgeDay(*hedge, losses[day++ % kLossVectors]));
  state.counters["expert_updates/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * n, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HedgeDay)->ArgsProduct({{1 << 10, 1 << 16}, {0, 1}})->Unit(benchmark::kMicrosecond);

void BM_ScalarHedgeDay(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  ScalarHedge hedge(n, std::sqrt(8 * std::log(n) / (1 << 20)));
  const auto losses = LossVectors(n);
  Rng rng(1, 0, 0, 0);
  int64_t day = 0;
  for (auto _ : state) {
    const auto& l = losses[day++ % kLossVectors];
    benchmark::DoNotOptimize(hedge.Act(rng.Uniform()));
    benchmark::DoNotOptimize(hedge.ExpectedLoss(l));
    hedge.Observe(l);
  }
  state.counters["expert_updates/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * n, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScalarHedgeDay)->Arg(1 << 10)->Arg(1 << 16)->Unit(benchmark::kMicrosecond);

void BM_HedgeSpeedup(benchmark::State& state) {
  using Clock = std::chrono::steady_clock;
  const int n = static_cast<int>(state.range(0));
  constexpr int kDays = 8;
  auto hedge = Registry<ExpertsLearner>::Instance().Create("hedge");
  hedge->Start(n, 1 << 20, Rng(1, 0, 0, 0));
  ScalarHedge scalar(n, std::sqrt(8 * std::log(n) / (1 << 20)));
  const auto losses = LossVectors(n);
  Rng rng(1, 0, 0, 0);
  double vector_seconds = 0;
  double scalar_seconds = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    for (int d = 0; d < kDays; ++d)
      benchmark::DoNotOptimize(HedgeDay(*hedge, losses[d % kLossVectors]));
    const auto t1 = Clock::now();
    for (int d = 0; d < kDays; ++d) {
      const auto& l = losses[d % kLossVectors];
      benchmark::DoNotOptimize(scalar.Act(rng.Uniform()));
      benchmark::DoNotOptimize(scalar.ExpectedLoss(l));
      scalar.Observe(l);
    }
    const auto t2 = Clock::now();
    vector_seconds += std::chrono::duration<double>(t1 - t0).count();
    scalar_seconds += std::chrono::duration<double>(t2 - t1).count();
  }
  const double updates = static_cast<double>(state.iterations()) * kDays * n;
  state.counters["vectorised_Mups"] = updates / vector_seconds / 1e6;
  state.counters["scalar_Mups"] = updates / scalar_seconds / 1e6;
  state.counters["speedup"] = scalar_seconds / vector_seconds;
}
BENCHMARK(BM_HedgeSpeedup)->Arg(1 << 16)->Unit(benchmark::kMillisecond);

void BM_PoolDay(benchmark::State& state) {
  const int n = 1 << 14;
  const int64_t memory = state.range(0);
  const int64_t horizon = 1 << 14;
  for (auto _ : state) {
    auto pool = Registry<ExpertsLearner>::Instance().Create(
        "multiscale_pool(memory=" + std::to_string(memory) + ")");
    auto planted = Registry<LossSequence>::Instance().Create("planted_bernoulli(delta=0.05)");
    const GameResult r =
        PlayGame(*pool, *planted, n, horizon, {horizon}, Rng(1, 0, 0, 1), Rng(1, 0, 0, 2));
    benchmark::DoNotOptimize(r.learner_loss);
  }
  state.counters["days/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * horizon,
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PoolDay)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace expertlab::experts

EXPERTLAB_BENCHMARK_MAIN()
