// Softmax Gaussian mixture of experts: one EM iteration against one
// streaming pass over the same n x d sample.
//
//   BM_GmoeEmVsStream/<d>   n = 2^18 pairs, k = 3 experts, tanh gate with
//                           tau estimated. Per benchmark iteration, timed
//                           side by side: one EM iteration as em.h runs it
//                           (the experts' weighted least squares, the
//                           gate's damped Newton steps, the E-step) and one
//                           pass that
//                           reads x and y once (their sum: a
//                           memory-bandwidth-bound reference). Counters
//                           em_ms, stream_ms, em_vs_stream (their ratio).
//
// An EM iteration reads the sample a few times but also evaluates k
// exponentials and the gate's Fisher matrix ((k-1)(d+1)+1 squared terms)
// per pair, so at small d it is compute-bound and the ratio is far above
// the few passes the data movement alone would cost.
#include <benchmark/benchmark.h>

#include <chrono>

#include "algorithms/gmoe/em.h"
#include "algorithms/gmoe/gate_objective.h"
#include "bench/bench_context.h"

namespace expertlab::gmoe {

void BM_GmoeEmVsStream(benchmark::State& state) {
  using Clock = std::chrono::steady_clock;
  const int d = static_cast<int>(state.range(0));
  constexpr int kN = 1 << 18;
  Model truth = ZeroModel(ParseGate("tanh"), 3, d);
  Rng rng(1, 0, 0, 0);
  for (int i = 0; i < 3; ++i) {
    for (int c = 0; c < d; ++c) {
      if (i < 2) truth.beta1(i, c) = rng.Uniform() - 0.5;
      truth.a(i, c) = 2 * rng.Uniform() - 1;
    }
    truth.b[i] = 4.0 * i;
  }
  truth.beta0 << 0.3, -0.2, 0.0;
  const Sample sample = DrawSample(truth, kN, rng);
  // Start away from the truth, so the gate's M-step has work to do.
  Model model = truth;
  model.beta1 *= 0.5;
  Eigen::MatrixXd resp;
  Responsibilities(model, sample.x, sample.y, resp);
  double em_seconds = 0, stream_seconds = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    benchmark::DoNotOptimize(EmIteration(model, sample.x, sample.y, resp, 20, 1e-9, 1e-8));
    const auto t1 = Clock::now();
    benchmark::DoNotOptimize(sample.x.sum() + sample.y.sum());
    const auto t2 = Clock::now();
    em_seconds += std::chrono::duration<double>(t1 - t0).count();
    stream_seconds += std::chrono::duration<double>(t2 - t1).count();
  }
  const double iterations = static_cast<double>(state.iterations());
  state.counters["em_ms"] = 1e3 * em_seconds / iterations;
  state.counters["stream_ms"] = 1e3 * stream_seconds / iterations;
  state.counters["em_vs_stream"] = em_seconds / stream_seconds;
}
BENCHMARK(BM_GmoeEmVsStream)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond);

}  // namespace expertlab::gmoe

EXPERTLAB_BENCHMARK_MAIN()
