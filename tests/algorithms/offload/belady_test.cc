#include "algorithms/offload/belady.h"

#include <catch2/catch.hpp>
#include <map>
#include <utility>

#include "tests/algorithms/offload/conformance.h"
#include "tests/algorithms/offload/hand_traces.h"

namespace expertlab::offload {
namespace {

// The fewest loads any demand-fetched cache of `capacity` experts makes on
// `trace`, by exhaustive search over every eviction choice (memoised on
// position and resident set; the experts of the current layer may not be
// evicted, as in Replay). Filling a free slot is never worse than
// evicting, so only full-cache misses branch.
class BeladyBruteForce {
 public:
  BeladyBruteForce(const Trace& trace, int capacity) : trace_(trace), capacity_(capacity) {}
  int64_t MinLoads() { return Solve(0, 0); }

 private:
  int64_t Solve(int64_t p, uint32_t mask) {
    if (p == trace_.accesses()) return 0;
    const auto memo = memo_.find({p, mask});
    if (memo != memo_.end()) return memo->second;
    const int key = trace_.Key(p);
    int64_t best;
    if (mask >> key & 1u) {
      best = Solve(p + 1, mask);
    } else if (std::popcount(mask) < capacity_) {
      best = 1 + Solve(p + 1, mask | 1u << key);
    } else {
      const int64_t layer_start = p - p % trace_.top_k;
      uint32_t keep = 0;
      for (int j = 0; j < trace_.top_k; ++j) keep |= 1u << trace_.Key(layer_start + j);
      best = trace_.accesses() + 1;
      for (int y = 0; y < trace_.keys(); ++y)
        if ((mask >> y & 1u) && !(keep >> y & 1u))
          best = std::min(best, 1 + Solve(p + 1, (mask & ~(1u << y)) | 1u << key));
    }
    memo_[{p, mask}] = best;
    return best;
  }

  const Trace& trace_;
  int capacity_;
  std::map<std::pair<int64_t, uint32_t>, int64_t> memo_;
};

TEST_CASE("belady matches the hand-worked trace", "[unit]") {
  const ReplayResult r =
      testing::ReplaySpec("belady", testing::LruBeatsLfuTrace(), 2, nullptr, testing::UnitCost());
  CHECK(r.hits == 3);
  CHECK(r.loads == 4);
}

TEST_CASE("belady's loads equal the brute-force optimum on tiny random traces", "[theory]") {
  // Up to 12 keys (fits the bitmask), 10 tokens: exhaustive search is exact.
  int checked = 0;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    TraceShape shape;
    shape.layers = 1 + int(seed % 3);
    shape.experts = 4;
    shape.top_k = 1 + int(seed % 2);
    shape.zipf = 0.5;
    shape.rho = 0.3;
    shape.requests = 2;
    shape.tokens = 5;
    const Trace trace = testing::MakeTraces(shape, seed).replay;
    for (int capacity = shape.top_k; capacity < trace.keys(); capacity += 2) {
      INFO("seed " << seed << " capacity " << capacity);
      const int64_t optimum = BeladyBruteForce(trace, capacity).MinLoads();
      CHECK(testing::ReplaySpec("belady", trace, capacity, nullptr, testing::UnitCost()).loads ==
            optimum);
      for (const char* spec : {"lru", "lfu", "static_popularity", "speculative"})
        CHECK(testing::ReplaySpec(spec, trace, capacity, nullptr, testing::UnitCost()).loads >=
              optimum);
      ++checked;
    }
  }
  CHECK(checked > 40);
}

TEST_CASE("belady conformance and determinism", "[unit][determinism]") {
  testing::CheckPolicyConformance("belady", false);
}

}  // namespace
}  // namespace expertlab::offload
