#include "algorithms/offload/lru.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/offload/conformance.h"
#include "tests/algorithms/offload/hand_traces.h"
#include "theory/offload_cost.h"

namespace expertlab::offload {
namespace {

TEST_CASE("lru matches the hand-worked trace", "[unit]") {
  const ReplayResult r =
      testing::ReplaySpec("lru", testing::LruBeatsLfuTrace(), 2, nullptr, testing::UnitCost());
  CHECK(r.hits == 3);
  CHECK(r.loads == 4);
}

TEST_CASE("lru hit ratio under independent references matches Che's approximation", "[theory]") {
  // One layer, top-1, no reuse, no topics: independent references with Zipf
  // probabilities, where Che's approximation is within ~1% for 64 items
  // (Fricker, Robert & Roberts, ITC 2012, Fig. 1). Tolerance: 0.01 plus 4
  // standard errors of a Bernoulli mean over the accesses (the hits of
  // consecutive accesses are positively correlated only weakly at this size).
  TraceShape shape;
  shape.layers = 1;
  shape.experts = 64;
  shape.top_k = 1;
  shape.zipf = 0.9;
  shape.topics = 1;
  shape.rho = 0;
  shape.beta = 0;
  shape.requests = 10;
  shape.tokens = 4000;
  const testing::TracePair traces = testing::MakeTraces(shape, 4);
  const std::vector<double>& q = traces.model.popularity[0];
  for (int capacity : {4, 16, 32}) {
    const ReplayResult r =
        testing::ReplaySpec("lru", traces.replay, capacity, nullptr, testing::UnitCost());
    const double che = theory::LruHitRatioChe(q, capacity);
    const double n = double(r.accesses);
    INFO("capacity " << capacity << " measured " << r.HitRatio() << " Che " << che);
    CHECK(r.HitRatio() == Approx(che).margin(0.01 + 4 * std::sqrt(che * (1 - che) / n)));
  }
}

TEST_CASE("lru conformance and determinism", "[unit][determinism]") {
  testing::CheckPolicyConformance("lru", false);
}

}  // namespace
}  // namespace expertlab::offload
