#include "algorithms/offload/speculative.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/offload/conformance.h"

namespace expertlab::offload {
namespace {

TEST_CASE("a perfect next-layer guess hides every load after layer 0", "[theory]") {
  // recall 1 names exactly the next layer's experts; with room for two
  // layers (2k slots) and k loads fitting in one layer's compute (k x 1 s
  // <= 2.5 s), every access past layer 0 hits with no wait, so the stall is
  // layer 0's alone and the hit ratio at least (L - 1) / L.
  TraceShape shape;
  shape.layers = 6;
  shape.experts = 16;
  shape.top_k = 2;
  shape.requests = 3;
  shape.tokens = 20;
  const testing::TracePair traces = testing::MakeTraces(shape, 8);
  const CostModel cost = testing::UnitCost(2.5);
  const ReplayResult spec =
      testing::ReplaySpec("speculative(recall=1)", traces.replay, 4, &traces.calibration, cost);
  CHECK(spec.HitRatio() >= double(shape.layers - 1) / shape.layers);
  CHECK(spec.PrefetchPrecision() == Approx(1.0));
  const ReplayResult lru = testing::ReplaySpec("lru", traces.replay, 4, nullptr, cost);
  CHECK(spec.stall_seconds < lru.stall_seconds / 3);
  // Layer 0 of every token: at most k misses, 2 s each with queueing.
  CHECK(spec.StallPerToken() <= 2.0 * shape.top_k);
}

TEST_CASE("a useless guess (recall 0) is never used", "[unit]") {
  // recall 0 names only experts the next layer does not use.
  TraceShape shape;
  shape.layers = 3;
  shape.experts = 8;
  shape.requests = 1;
  shape.tokens = 1;
  const testing::TracePair traces = testing::MakeTraces(shape, 2);
  const ReplayResult r = testing::ReplaySpec("speculative(recall=0)", traces.replay, 8,
                                             &traces.calibration, testing::UnitCost());
  CHECK(r.prefetch_loads == 4);
  CHECK(r.prefetch_used == 0);
  CHECK(r.hits == 0);
}

TEST_CASE("speculative conformance and determinism", "[unit][determinism]") {
  testing::CheckPolicyConformance("speculative", true);
}

}  // namespace
}  // namespace expertlab::offload
