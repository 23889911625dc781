#include "algorithms/offload/arc.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/offload/conformance.h"
#include "tests/algorithms/offload/hand_traces.h"

namespace expertlab::offload {
namespace {

TEST_CASE("arc matches the hand-worked traces", "[unit]") {
  const ReplayResult r =
      testing::ReplaySpec("arc", testing::LruBeatsLfuTrace(), 2, nullptr, testing::UnitCost());
  CHECK(r.hits == testing::kArcHandHits);
  CHECK(r.loads == testing::kArcHandLoads);
  // The hot expert among one-offs: 0 reaches T2 on its second use, the
  // one-offs pass through T1 (|T1| = 1 > p = 0), as LRU-2 and Belady.
  const ReplayResult hot =
      testing::ReplaySpec("arc", testing::HotAmongScanTrace(), 2, nullptr, testing::UnitCost());
  CHECK(hot.hits == 4);
  CHECK(hot.loads == 5);
}

TEST_CASE("arc's target moves toward the list whose ghosts are hit", "[unit]") {
  // Megiddo & Modha, §4: a hit in B1 raises p by max(1, |B2|/|B1|) up to c;
  // a hit in B2 lowers it by max(1, |B1|/|B2|) down to 0.
  Arc arc({});
  const Trace trace = testing::SequenceTrace({0}, 6);
  CacheSetup setup = MakeSetup(trace, 2, nullptr);
  setup.experts = 6;
  Rng rng(1, 2, 3, 4);
  arc.Start(setup, nullptr, rng);
  const Access at{};
  // A demand miss on `key`; when the cache is full, ARC must pick
  // `victim` among the two residents.
  const auto miss = [&](int key, std::vector<int> residents, int victim) {
    arc.BeforeInsert(at, key, false);
    if (!residents.empty()) {
      CHECK(arc.Victim(at, residents) == victim);
      arc.OnEvict(victim);
    }
    arc.OnInsert(at, key, false);
    arc.OnAccess(at, key, false);
  };
  miss(0, {}, -1);
  arc.OnAccess(at, 0, true);  // 0 -> T2
  miss(1, {}, -1);            // 1 -> T1; full
  miss(2, {0, 1}, 1);         // |T1| = 1 > p = 0: T1's 1 -> B1
  CHECK(arc.target() == 0);
  miss(1, {0, 2}, 0);  // 1 found in B1: p = 0 + max(1, 0 / 1) = 1; |T1| = 1 = p: T2's 0 -> B2
  CHECK(arc.target() == 1);
  miss(0, {2, 1}, 2);  // 0 found in B2: p = 1 - max(1, 0 / 1) = 0; |T1| = 1 > 0: 2 -> B1
  CHECK(arc.target() == 0);
  miss(2, {1, 0}, 1);  // 2 found in B1: p = 1; T1 empty, T2's LRU 1 -> B2
  CHECK(arc.target() == 1);
  miss(1, {0, 2}, 0);  // 1 found in B2: p = 0; T1 empty: T2's LRU 0
  CHECK(arc.target() == 0);
}

TEST_CASE("arc conformance and determinism", "[unit][determinism]") {
  testing::CheckPolicyConformance("arc", false);
}

}  // namespace
}  // namespace expertlab::offload
