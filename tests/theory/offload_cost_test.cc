#include "theory/offload_cost.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "sim/check.h"

namespace expertlab::theory {
namespace {

TEST_CASE("miss cost of the tiers: a bf16 Mixtral expert over PCIe 4.0", "[theory]") {
  // 352 MB at 25 GB/s = 14.08 ms (+ 10 us latency): the ~14 ms of Fiddler's
  // argument (ICLR 2025, §2).
  CHECK(MissSeconds(352e6, FindTier("pcie4")) == Approx(0.01409).epsilon(1e-3));
  CHECK(MissSeconds(1e9, FindTier("flash")) == Approx(1 / 1.5 + 50e-6));
  CHECK_THROWS_WITH(FindTier("floppy"), Catch::Contains("pcie4"));
}

TEST_CASE("demand throughput: compute plus loads", "[theory]") {
  CHECK(DemandTokensPerSecond(10, 1e-3, 2, 5e-3) == Approx(1 / 0.02));
}

TEST_CASE("Che's approximation is exact for uniform references", "[theory]") {
  // q_i = 1/N: N (1 - exp(-t/N)) = C gives hit = C / N exactly.
  const std::vector<double> q(50, 1.0 / 50);
  for (double c : {1.0, 10.0, 49.0}) CHECK(LruHitRatioChe(q, c) == Approx(c / 50).epsilon(1e-9));
  CHECK_THROWS_WITH(LruHitRatioChe(q, 50), Catch::Contains("capacity"));
}

}  // namespace
}  // namespace expertlab::theory
