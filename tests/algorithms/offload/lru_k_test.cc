#include "algorithms/offload/lru_k.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/offload/conformance.h"
#include "tests/algorithms/offload/hand_traces.h"

namespace expertlab::offload {
namespace {

TEST_CASE("lru_k keeps the hot expert through one-off experts (hand-worked)", "[unit]") {
  const Trace trace = testing::HotAmongScanTrace();
  for (const char* spec : {"lru_k", "belady"}) {
    const ReplayResult r = testing::ReplaySpec(spec, trace, 2, nullptr, testing::UnitCost());
    CAPTURE(spec);
    CHECK(r.hits == 4);
    CHECK(r.loads == 5);
  }
  const ReplayResult lru = testing::ReplaySpec("lru", trace, 2, nullptr, testing::UnitCost());
  CHECK(lru.hits == 3);
  CHECK(lru.loads == 6);
}

TEST_CASE("lru_k with k = 1 is LRU on random traces", "[theory]") {
  // O'Neil et al., SIGMOD 1993, §2.1: LRU-1 is classical LRU.
  TraceShape shape;
  shape.layers = 3;
  shape.experts = 8;
  shape.top_k = 2;
  shape.requests = 5;
  shape.tokens = 40;
  const testing::TracePair traces = testing::MakeTraces(shape, 5);
  for (int capacity : {2, 6, 13}) {
    const ReplayResult a = testing::ReplaySpec("lru_k(k=1)", traces.replay, capacity, nullptr,
                                               testing::UnitCost());
    const ReplayResult b =
        testing::ReplaySpec("lru", traces.replay, capacity, nullptr, testing::UnitCost());
    CAPTURE(capacity);
    CHECK(a.hits == b.hits);
    CHECK(a.loads == b.loads);
  }
}

TEST_CASE("lru_k conformance, determinism and bad k", "[unit][determinism]") {
  testing::CheckPolicyConformance("lru_k", false);
  testing::CheckPolicyConformance("lru_k(k=3)", false);
  CHECK_THROWS_WITH(Registry<CachePolicy>::Instance().Create("lru_k(k=0)"),
                    Catch::Contains("'k'"));
}

}  // namespace
}  // namespace expertlab::offload
