#include "algorithms/offload/lookahead.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/offload/conformance.h"

namespace expertlab::offload {
namespace {

TEST_CASE("lookahead with max_distance 1 and perfect recall is the speculative gate", "[theory]") {
  // S never exceeds 1, recall^1 = 1: both name exactly the next layer's
  // experts and evict by LRU, so every count and time is identical.
  TraceShape shape;
  shape.layers = 5;
  shape.experts = 12;
  shape.requests = 3;
  shape.tokens = 16;
  const testing::TracePair traces = testing::MakeTraces(shape, 12);
  const CostModel cost = testing::UnitCost(0.7);
  for (int capacity : {4, 9, 20}) {
    const ReplayResult a = testing::ReplaySpec("lookahead(recall=1, max_distance=1)", traces.replay,
                                               capacity, &traces.calibration, cost);
    const ReplayResult b = testing::ReplaySpec("speculative(recall=1)", traces.replay, capacity,
                                               &traces.calibration, cost);
    CHECK(a.hits == b.hits);
    CHECK(a.loads == b.loads);
    CHECK(a.stall_seconds == b.stall_seconds);
  }
}

TEST_CASE("a longer look-ahead hides loads slower than one layer's compute", "[unit]") {
  // Loads take 1 s, a layer computes 0.3 s: one layer ahead cannot hide a
  // load, a few layers ahead can (room for all experts, perfect recall).
  TraceShape shape;
  shape.layers = 8;
  shape.experts = 8;
  shape.top_k = 1;
  shape.requests = 2;
  shape.tokens = 8;
  const testing::TracePair traces = testing::MakeTraces(shape, 13);
  const CostModel cost = testing::UnitCost(0.3);
  const ReplayResult near = testing::ReplaySpec("lookahead(recall=1, max_distance=1)",
                                                traces.replay, 64, &traces.calibration, cost);
  const ReplayResult far = testing::ReplaySpec("lookahead(recall=1, max_distance=4)", traces.replay,
                                               64, &traces.calibration, cost);
  CHECK(far.stall_seconds < near.stall_seconds);
}

TEST_CASE("lookahead conformance and determinism", "[unit][determinism]") {
  testing::CheckPolicyConformance("lookahead", true);
}

}  // namespace
}  // namespace expertlab::offload
