// Traces recorded from the trained char-LM MoE (offload_cell.cc,
// trace=charlm): every policy of a replicate replays the same recorded
// accesses, so Belady's optimum loads no more experts than LRU on them;
// a trace source that is neither synthetic, charlm nor file:<path> stops
// the plan.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/check.h"
#include "tests/sim/one_cell.h"

namespace expertlab::offload {
namespace {

double RecordedRow(const std::string& policy, const std::string& metric) {
  const std::vector<std::string> cell = {"trace=charlm", "layers=2",   "experts=4",
                                         "top_k=2",      "tokens=16",  "requests=4",
                                         "calibration=2", "capacity=0.5", "policy=" + policy};
  for (const auto& r : expertlab::testing::RunOneCell("offload_policies", cell))
    if (r.name == metric) return r.value;
  FAIL("no row " << metric);
  return 0;
}

TEST_CASE("trace=charlm: the recorded routing replays, Belady loads no more than LRU", "[unit]") {
  if (!std::filesystem::is_directory("/usr/share/common-licenses")) {
    WARN("no /usr/share/common-licenses (package base-files): nothing to check");
    return;
  }
  const double lru = RecordedRow("lru", "loads_per_token");
  const double belady = RecordedRow("belady", "loads_per_token");
  INFO("loads per token: LRU " << lru << ", Belady " << belady);
  // Belady (Mattson et al. 1970's OPT) misses least among demand policies;
  // at 4 of 8 experts cached and 2 needed a layer, some misses remain.
  CHECK(belady <= lru);
  CHECK(belady > 0);
  const double hit = RecordedRow("lru", "hit_ratio");
  CHECK(hit >= 0);
  CHECK(hit < 1);
}

TEST_CASE("an unknown trace source stops the plan, naming the key", "[unit]") {
  CHECK_THROWS_WITH(
      expertlab::testing::PlanQuickSweep("offload_policies", {"trace=recorded"}, "trace"),
      Catch::Contains("trace: expected synthetic, charlm or file:<path>"));
  CHECK_FALSE(std::filesystem::exists(expertlab::testing::NeverWrittenDir("trace")));
}

}  // namespace
}  // namespace expertlab::offload
