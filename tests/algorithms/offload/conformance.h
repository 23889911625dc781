// Helpers shared by the offloading family's tests: small synthetic traces,
// a replay by spec, and the conformance checks every policy's test calls.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "algorithms/offload/policy.h"
#include "algorithms/offload/simulator.h"
#include "algorithms/offload/trace_generator.h"
#include "sim/registry.h"

namespace expertlab::offload::testing {

inline Rng TestRng(uint64_t stream, uint64_t seed = 20261124) {
  return Rng(seed, 0x0ff10ad, 0, stream);
}

// A model and two traces from it: calibration (requests 0..) and replay.
struct TracePair {
  TraceModel model;
  Trace calibration;
  Trace replay;
};

inline TracePair MakeTraces(const TraceShape& shape, uint64_t seed, int calibration_requests = 8) {
  Rng rng = TestRng(1, seed);
  TracePair pair;
  pair.model = DrawTraceModel(shape, rng);
  pair.calibration = SampleTrace(pair.model, calibration_requests, rng);
  pair.replay = SampleTrace(pair.model, shape.requests, rng, calibration_requests);
  return pair;
}

// Unit costs: a load takes 1 s, a layer computes for `compute` s.
inline CostModel UnitCost(double compute = 0.5) {
  CostModel cost;
  cost.expert_bytes = 1;
  cost.bandwidth = 1;
  cost.compute_seconds = compute;
  return cost;
}

inline ReplayResult ReplaySpec(const std::string& spec, const Trace& trace, int capacity,
                               const Trace* calibration, const CostModel& cost, uint64_t seed = 7) {
  auto policy = Registry<CachePolicy>::Instance().Create(spec);
  const CacheSetup setup = MakeSetup(trace, capacity, calibration);
  Rng rng = TestRng(2, seed);
  return Replay(trace, *policy, setup, cost, rng);
}

// The family's invariants (policy.h): valid victims and prefetches (Replay
// checks both), counts that add up, reproducibility under a seed, never
// fewer loads than Belady's optimum, and for a policy without prefetch,
// stall = loads x miss cost + waits x hand-off exactly, each waiting layer
// having one to top_k misses (simulator.h).
inline void CheckPolicyConformance(const std::string& spec, bool prefetches) {
  TraceShape shape;
  shape.layers = 4;
  shape.experts = 8;
  shape.requests = 6;
  shape.tokens = 24;
  const TracePair traces = MakeTraces(shape, 3);
  CostModel cost = UnitCost(0.25);
  cost.wait_seconds = 0.125;
  for (int capacity : {2, 5, 12, 31}) {
    INFO(spec << " capacity " << capacity);
    const ReplayResult a = ReplaySpec(spec, traces.replay, capacity, &traces.calibration, cost);
    const ReplayResult b = ReplaySpec(spec, traces.replay, capacity, &traces.calibration, cost);
    CHECK(a.hits == b.hits);
    CHECK(a.loads == b.loads);
    CHECK(a.stall_seconds == b.stall_seconds);
    CHECK(a.accesses == traces.replay.accesses());
    CHECK(a.loads - a.prefetch_loads == a.accesses - a.hits);
    CHECK(a.prefetch_used <= a.prefetch_loads);
    const ReplayResult opt = ReplaySpec("belady", traces.replay, capacity, nullptr, cost);
    CHECK(opt.loads <= a.loads);
    if (!prefetches) {
      CHECK(a.prefetch_loads == 0);
      CHECK(a.stall_seconds == Approx(double(a.loads) * cost.MissSeconds() +
                                      double(a.waits) * cost.wait_seconds));
      CHECK(a.waits <= a.loads);
      CHECK(a.waits * traces.replay.top_k >= a.loads);
      CHECK(a.total_seconds ==
            Approx(a.stall_seconds + double(a.tokens) * shape.layers * cost.compute_seconds));
    }
  }
}

}  // namespace expertlab::offload::testing
