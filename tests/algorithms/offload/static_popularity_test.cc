#include "algorithms/offload/static_popularity.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "tests/algorithms/offload/conformance.h"

namespace expertlab::offload {
namespace {

TEST_CASE("static pinning under independent references: the closed-form hit ratio", "[theory]") {
  // One layer, top-1, independent references q. With P pinned experts (the
  // calibration's most frequent) and one LRU scratch slot, an access to a
  // pinned expert hits, and one to an unpinned u hits iff the last unpinned
  // access was u: hit = sum_P q + sum_{u not in P} q_u^2 / Q, Q the unpinned
  // mass. Tolerance: 4 standard errors of the Bernoulli mean.
  TraceShape shape;
  shape.layers = 1;
  shape.experts = 24;
  shape.top_k = 1;
  shape.zipf = 1.0;
  shape.topics = 1;
  shape.rho = 0;
  shape.beta = 0;
  shape.requests = 4;
  shape.tokens = 5000;
  const testing::TracePair traces = testing::MakeTraces(shape, 6, 8);
  const std::vector<double>& q = traces.model.popularity[0];
  const std::vector<double> profile = KeyFrequencies(traces.calibration);
  std::vector<int> order(q.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return profile[size_t(a)] > profile[size_t(b)]; });
  for (int capacity : {3, 9}) {
    double pinned = 0, unpinned = 0, square = 0;
    for (size_t r = 0; r < order.size(); ++r) {
      const double p = q[size_t(order[r])];
      if (int(r) < capacity - 1) {
        pinned += p;
      } else {
        unpinned += p;
        square += p * p;
      }
    }
    const double expected = pinned + square / unpinned;
    const ReplayResult r = testing::ReplaySpec("static_popularity", traces.replay, capacity,
                                               &traces.calibration, testing::UnitCost());
    // The warm-start loads of the pinned set are prefetches: count accesses only.
    const double n = double(r.accesses);
    CHECK(r.HitRatio() == Approx(expected).margin(4 * std::sqrt(expected * (1 - expected) / n)));
  }
}

TEST_CASE("static_popularity conformance and determinism", "[unit][determinism]") {
  testing::CheckPolicyConformance("static_popularity", true);
}

}  // namespace
}  // namespace expertlab::offload
