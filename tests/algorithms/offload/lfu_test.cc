#include "algorithms/offload/lfu.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/offload/conformance.h"
#include "tests/algorithms/offload/hand_traces.h"

namespace expertlab::offload {
namespace {

TEST_CASE("lfu matches the hand-worked trace", "[theory]") {
  const ReplayResult r =
      testing::ReplaySpec("lfu", testing::LruBeatsLfuTrace(), 2, nullptr, testing::UnitCost());
  CHECK(r.hits == 1);
  CHECK(r.loads == 6);
}

TEST_CASE("lfu keeps the frequent expert through a scan", "[unit]") {
  // 0 is used four times, then 1 2 3 once each, then 0 again: LFU keeps 0
  // in one of two slots (count 4 beats 1) and hits at the end; LRU loses it.
  const Trace trace = testing::SequenceTrace({0, 0, 0, 0, 1, 2, 3, 0}, 4);
  CHECK(testing::ReplaySpec("lfu", trace, 2, nullptr, testing::UnitCost()).hits == 4);
  CHECK(testing::ReplaySpec("lru", trace, 2, nullptr, testing::UnitCost()).hits == 3);
}

TEST_CASE("lfu conformance and determinism", "[unit][determinism]") {
  testing::CheckPolicyConformance("lfu", false);
}

}  // namespace
}  // namespace expertlab::offload
