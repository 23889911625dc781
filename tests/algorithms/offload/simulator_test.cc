#include "algorithms/offload/simulator.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/offload/conformance.h"
#include "tests/algorithms/offload/hand_traces.h"

namespace expertlab::offload {
namespace {

TEST_CASE("replay timing with a prefetch, worked by hand", "[unit]") {
  // Two layers, top-1, one token visiting expert 0 then expert 1; loads take
  // 1 s, layers compute 0.5 s. Layer 0 misses (stall 1, now 1); the perfect
  // guess of layer 1 (key 4 + 1) loads during [1, 2] while layer 0 computes
  // until 1.5; layer 1 hits an expert in flight and waits 0.5 s; it computes
  // until 2.5. Precision 1/1; recall 1 / (1 used prefetch + 1 miss).
  Trace trace;
  trace.layers = 2;
  trace.experts = 4;
  trace.top_k = 1;
  trace.ids = {0, 1};
  trace.request = {0};
  const ReplayResult r =
      testing::ReplaySpec("speculative(recall=1)", trace, 2, nullptr, testing::UnitCost(0.5));
  CHECK(r.hits == 1);
  CHECK(r.loads == 2);
  CHECK(r.prefetch_loads == 1);
  CHECK(r.stall_seconds == Approx(1.5));
  CHECK(r.total_seconds == Approx(2.5));
  CHECK(r.PrefetchPrecision() == Approx(1.0));
  CHECK(r.PrefetchRecall() == Approx(0.5));
}

TEST_CASE("demand misses queue on the one channel", "[unit]") {
  // Top-2 at one layer: both experts miss, the second load starts when the
  // first ends, so the layer stalls 2 load times.
  Trace trace;
  trace.layers = 1;
  trace.experts = 4;
  trace.top_k = 2;
  trace.ids = {0, 3};
  trace.request = {0};
  const ReplayResult r = testing::ReplaySpec("lru", trace, 2, nullptr, testing::UnitCost(0.5));
  CHECK(r.stall_seconds == Approx(2.0));
  CHECK(r.TokensPerSecond() == Approx(1 / 2.5));
}

TEST_CASE("replay rejects a capacity below top_k and a mismatched calibration", "[unit]") {
  const Trace trace = testing::LruBeatsLfuTrace();
  CHECK_THROWS_WITH(MakeSetup(trace, 0, nullptr), Catch::Contains("capacity"));
  Trace other = trace;
  other.experts = 5;
  CHECK_THROWS_WITH(MakeSetup(trace, 2, &other), Catch::Contains("calibration"));
}

}  // namespace
}  // namespace expertlab::offload
