// Softmax Gaussian mixture of experts (Nguyen, Akbarian, Ho, "Is
// Temperature Sample Efficient for Softmax Gaussian Mixture of Experts?",
// ICML 2024): one EM iteration against one streaming pass over the same
// n x d sample, and against the arithmetic its E-step cannot avoid.
//
//   BM_GmoeEmVsStream/<d>   n = 2^18 pairs, k = 3 experts, tanh gate with
//                           tau estimated, EM state after a few iterations
//                           from a start off the truth (the iterations
//                           that dominate a fit). Three variants timed in
//                           interleaved rounds (sim/timing.h), each round
//                           from the same EM state:
//     em       one EM iteration as em.h runs it: the experts' weighted
//              least squares from the E-step's moments, the gate's damped
//              Newton steps (one pass each), the fused E-step (one pass);
//     stream   one pass reading x and y (their sum): the memory-bandwidth
//              reference;
//     floor    one pass doing only the transcendental work of one E-step
//              on the same data: per pair k activations (tanh), 2k
//              exponentials and 2 logarithms (the gate's log-softmax and
//              the responsibilities' log-sum-exp).
//   Counters: em_ms, stream_ms, floor_ms; em_vs_stream, em_vs_floor,
//   floor_vs_stream (medians of per-round ratios); gate_passes, the gate's
//   trial passes in the timed iteration.
//
// At small d a pass is bound by the floor's exp/tanh/log, not by memory
// (floor_vs_stream >> 1), so em_vs_stream cannot approach a few passes;
// em_vs_floor says how many E-step-sized passes the iteration costs.
#include <benchmark/benchmark.h>

#include <cmath>

#include "algorithms/gmoe/em.h"
#include "algorithms/gmoe/gate_objective.h"
#include "bench/bench_context.h"
#include "sim/timing.h"

namespace expertlab::gmoe {
namespace {

constexpr int kGmoeBenchExperts = 3;

// The transcendental work of one E-step over the sample, nothing else.
double ExpLogFloor(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  double sum = 0;
  for (Eigen::Index j = 0; j < x.rows(); ++j) {
    const double w = x(j, 0), v = y[j];
    double gate = 0, joint = 0;
    for (int i = 0; i < kGmoeBenchExperts; ++i) {
      const double t = std::tanh(w + i);
      gate += std::exp(t - i);
      joint += std::exp(v * t - i);
    }
    sum += std::log(gate) + std::log(joint);
  }
  return sum;
}

Model GmoeBenchTruth(int d, Rng& rng) {
  Model truth = ZeroModel(ParseGate("tanh"), kGmoeBenchExperts, d);
  for (int i = 0; i < kGmoeBenchExperts; ++i) {
    for (int c = 0; c < d; ++c) {
      if (i + 1 < kGmoeBenchExperts) truth.beta1(i, c) = rng.Uniform() - 0.5;
      truth.a(i, c) = 2 * rng.Uniform() - 1;
    }
    truth.b[i] = 4.0 * i;
  }
  truth.beta0 << 0.3, -0.2, 0.0;
  return truth;
}

}  // namespace

void BM_GmoeEmVsStream(benchmark::State& state) {
  const int d = static_cast<int>(state.range(0));
  constexpr int kN = 1 << 18;
  constexpr int kGateSteps = 20, kWarmIterations = 5, kRounds = 7;
  constexpr double kGateTol = 1e-9, kVarFloor = 1e-8;
  Rng rng(1, 0, 0, 0);
  const Model truth = GmoeBenchTruth(d, rng);
  const Sample sample = DrawSample(truth, kN, rng);
  // Start away from the truth and take a few iterations: the state of the
  // iterations that make up most of a fit.
  Model start = truth;
  start.beta1 *= 0.5;
  EStep start_step;
  RunEStep(start, sample.x, sample.y, start_step);
  for (int it = 0; it < kWarmIterations; ++it)
    EmIteration(start, sample.x, sample.y, start_step, kGateSteps, kGateTol, kVarFloor);
  {
    Model probe = start;
    UpdateExperts(probe, start_step, kVarFloor);
    const GateStepResult gate = MaximizeGate(probe, sample.x, start_step.responsibilities,
                                             kGateSteps, kGateTol, &start_step.gate);
    state.counters["gate_passes"] = gate.trials;
  }

  Model model;
  EStep step;
  for (auto _ : state) {
    const InterleavedTimes times =
        TimeInterleaved({[&] {
                           benchmark::DoNotOptimize(EmIteration(model, sample.x, sample.y, step,
                                                                kGateSteps, kGateTol, kVarFloor));
                         },
                         [&] { benchmark::DoNotOptimize(sample.x.sum() + sample.y.sum()); },
                         [&] { benchmark::DoNotOptimize(ExpLogFloor(sample.x, sample.y)); }},
                        kRounds, [&] {
                          model = start;
                          step = start_step;
                        });
    state.SetIterationTime(times.Median(0));
    state.counters["em_ms"] = 1e3 * times.Median(0);
    state.counters["stream_ms"] = 1e3 * times.Median(1);
    state.counters["floor_ms"] = 1e3 * times.Median(2);
    state.counters["em_vs_stream"] = times.Speedup(1, 0);
    state.counters["em_vs_floor"] = times.Speedup(2, 0);
    state.counters["floor_vs_stream"] = times.Speedup(1, 2);
  }
}
BENCHMARK(BM_GmoeEmVsStream)
    ->Arg(1)
    ->Arg(8)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace expertlab::gmoe

EXPERTLAB_BENCHMARK_MAIN()
