#include "algorithms/offload/edgemoe.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/offload/conformance.h"
#include "tests/algorithms/offload/hand_traces.h"

namespace expertlab::offload {
namespace {

TEST_CASE("edgemoe's lookup table predicts a deterministic path", "[theory]") {
  // Calibration of types 0-2 (type r: expert (r + l) % E at layer l): each
  // layer's expert is a function of the previous two, so the table names
  // the next expert with probability 1. With preload=1 and enough slots, a
  // replayed token misses only at layer 0: hits (L - 1) per new path.
  const Trace calibration = testing::PathTrace(5, 8, 3, 6, 2);
  const Trace replay = testing::PathTrace(5, 8, 3, 3, 1);
  const ReplayResult r =
      testing::ReplaySpec("edgemoe(preload=1)", replay, 40, &calibration, testing::UnitCost(2.0));
  CHECK(r.hits == 3 * 4);
  CHECK(r.prefetch_loads == 3 * 4);
  CHECK(r.PrefetchPrecision() == Approx(1.0));
}

TEST_CASE(
    "edgemoe eviction: intent evicts the layer that runs last, printed the one "
    "that ran longest ago",
    "[unit]") {
  // Four layers, expert l at layer l, all equally frequent in calibration.
  // Deciding at layer 3 between the experts of layers 0, 1 and 2: intent's
  // distance to their next run is 1, 2, 3 layers, so it evicts layer 2's
  // (smallest f / d); printed's distance since they ran is 3, 2, 1, so it
  // evicts layer 0's.
  const Trace calibration = testing::PathTrace(4, 4, 1, 1, 1);
  Trace replay = calibration;
  auto policy_keys = [&](const std::string& spec) {
    auto policy = Registry<CachePolicy>::Instance().Create(spec);
    CacheSetup setup = MakeSetup(replay, 3, &calibration);
    Rng rng = testing::TestRng(1);
    policy->Start(setup, nullptr, rng);
    Access at{12, 0, 3, 0};
    const std::vector<int> candidates = {0 * 4 + 0, 1 * 4 + 1, 2 * 4 + 2};
    return policy->Victim(at, candidates);
  };
  CHECK(policy_keys("edgemoe(variant=intent)") == 2 * 4 + 2);
  CHECK(policy_keys("edgemoe(variant=printed)") == 0 * 4 + 0);
}

TEST_CASE("edgemoe conformance and determinism", "[unit][determinism]") {
  testing::CheckPolicyConformance("edgemoe", true);
  testing::CheckPolicyConformance("edgemoe(preload=3, variant=printed)", true);
}

}  // namespace
}  // namespace expertlab::offload
