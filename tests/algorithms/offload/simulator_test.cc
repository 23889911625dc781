#include "algorithms/offload/simulator.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/offload/conformance.h"
#include "tests/algorithms/offload/hand_traces.h"

namespace expertlab::offload {
namespace {

// Two layers of 4 experts, top-1, one token visiting expert 0 then expert 1.
Trace OneTokenTwoLayers() {
  Trace trace;
  trace.layers = 2;
  trace.experts = 4;
  trace.top_k = 1;
  trace.ids = {0, 1};
  trace.request = {0};
  return trace;
}

TEST_CASE("replay timing with a prefetch, worked by hand", "[unit]") {
  // Two layers, top-1, one token visiting expert 0 then expert 1; loads take
  // 1 s, layers compute 0.5 s. Layer 0 misses (stall 1, now 1); the perfect
  // guess of layer 1 (key 4 + 1) loads during [1, 2] while layer 0 computes
  // until 1.5; layer 1 hits an expert in flight and waits 0.5 s; it computes
  // until 2.5. Precision 1/1; recall 1 / (1 used prefetch + 1 miss).
  const Trace trace = OneTokenTwoLayers();
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

TEST_CASE("a layer pays the host's hand-off once however many loads it waits for", "[unit]") {
  // Loads 1 s, hand-off 0.25 s, compute 0.5 s. Token 0 misses both experts
  // (stall 2 + 0.25); token 1 (the same experts) hits and does not wait;
  // token 2 misses one (stall 1 + 0.25). Per-load latency would instead
  // charge 3 x 0.25.
  Trace trace;
  trace.layers = 1;
  trace.experts = 4;
  trace.top_k = 2;
  trace.ids = {0, 3, 0, 3, 0, 2};
  trace.request = {0, 0, 0};
  CostModel cost = testing::UnitCost(0.5);
  cost.wait_seconds = 0.25;
  const ReplayResult r = testing::ReplaySpec("lru", trace, 2, nullptr, cost);
  CHECK(r.loads == 3);
  CHECK(r.waits == 2);
  CHECK(r.stall_seconds == Approx(3.5));
  CHECK(r.total_seconds == Approx(3.5 + 3 * 0.5));
}

// Evicts the first candidate and, at token 0's layer 0, prefetches `script`
// in order: a policy whose guesses a test chooses.
class ScriptedPrefetch final : public CachePolicy {
 public:
  explicit ScriptedPrefetch(std::vector<int> script) : script_(std::move(script)) {}
  void Start(const CacheSetup&, const Trace*, Rng&) override {}
  void OnAccess(const Access&, int, bool) override {}
  int Victim(const Access&, std::span<const int> candidates) override { return candidates[0]; }
  std::vector<int> Prefetch(const Access& at) override {
    return at.token == 0 && at.layer == 0 ? script_ : std::vector<int>{};
  }

 private:
  std::vector<int> script_;
};

TEST_CASE("urgent loads go ahead of queued prefetches, worked by hand", "[unit]") {
  // Two layers of 4 experts, top-1, one token visiting expert 0 then expert
  // 1 (key 5); loads take 1 s, layers compute 0.5 s. Layer 0 misses (stall
  // 1, now 1) and queues the script's prefetches at 1: key 6 runs [1, 2],
  // the rest wait. At layer 1 (now 1.5):
  //   script {6, 7}: key 5 misses and goes ahead of 7, runs [2, 3]: stall
  //     1.5 (first come first served: 7 in [2, 3], 5 in [3, 4], 2.5);
  //   script {6, 7, 5}: key 5 is a hit still queued behind 7; it becomes
  //     urgent and runs [2, 3]: stall 1.5 again (in order: 2.5).
  const Trace trace = OneTokenTwoLayers();
  const CacheSetup setup = MakeSetup(trace, 8, nullptr);
  for (const auto& [script, hits] :
       std::vector<std::pair<std::vector<int>, int>>{{{6, 7}, 0}, {{6, 7, 5}, 1}}) {
    ScriptedPrefetch policy(script);
    Rng rng = testing::TestRng(2, 7);
    const ReplayResult r = Replay(trace, policy, setup, testing::UnitCost(0.5), rng);
    INFO("script of " << script.size());
    CHECK(r.hits == hits);
    CHECK(r.loads == 1 + static_cast<int64_t>(script.size()) + (1 - hits));
    CHECK(r.stall_seconds == Approx(1 + 1.5));
    CHECK(r.total_seconds == Approx(3.5));
  }
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
