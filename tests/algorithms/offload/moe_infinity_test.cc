#include "algorithms/offload/moe_infinity.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/offload/conformance.h"
#include "tests/algorithms/offload/hand_traces.h"

namespace expertlab::offload {
namespace {

TEST_CASE("moe_infinity matches the request to its past type and prefetches its path", "[theory]") {
  // Calibration: requests of types 0 and 1 (type r uses expert (r + l) % E at
  // layer l). Replayed: one request of type 1, 3 tokens, 4 layers, 8 slots
  // (room for every expert it uses). Token 0, layer 0 misses (expert 1); its
  // EAM so far matches type 1 (cosine 1 on row 0, type 0 has 0 there), so
  // layers 1-3 are prefetched correctly: 3 hits. Tokens 1-2 hit everything
  // (resident). Hits 11 of 12; loads 4 (1 demand + 3 prefetches, all used).
  const Trace calibration = testing::PathTrace(4, 6, 2, 4, 2);
  const Trace replay = testing::PathTrace(4, 6, 2, 1, 3, 1);
  const ReplayResult r =
      testing::ReplaySpec("moe_infinity", replay, 8, &calibration, testing::UnitCost(2.0));
  CHECK(r.hits == 11);
  CHECK(r.loads == 4);
  CHECK(r.PrefetchPrecision() == Approx(1.0));
}

TEST_CASE("moe_infinity conformance and determinism", "[unit][determinism]") {
  testing::CheckPolicyConformance("moe_infinity", true);
  testing::CheckPolicyConformance("moe_infinity(eamc=2, prefetch=3)", true);
}

}  // namespace
}  // namespace expertlab::offload
