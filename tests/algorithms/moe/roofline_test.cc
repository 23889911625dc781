// Roofline closed forms against numbers worked out by hand for config A
// (d = 1024, f = 4096, E = 8, k = 2, fp32).
#include "theory/roofline.h"

#include <catch2/catch.hpp>

namespace expertlab::theory {
namespace {

TEST_CASE("roofline formulas reproduce hand-worked example A", "[theory][moe]") {
  // 50.3 MB per expert, 403 MB for all 8.
  CHECK(MoeWeightBytes(1, 1024, 4096, 4) / 1e6 == Approx(50.3).epsilon(1e-3));
  CHECK(MoeWeightBytes(8, 1024, 4096, 4) / 1e6 == Approx(402.7).epsilon(1e-3));
  // Decode (T = 1): 50.3 MFLOP against 100.7 MB, 2.9 ms at 35 GB/s.
  CHECK(MoeExpertFlops(1, 2, 1024, 4096) / 1e6 == Approx(50.3).epsilon(1e-3));
  CHECK(ExpectedExpertsTouched(8, 2, 1) == Approx(2.0));
  const double bytes = MoeWeightBytes(2, 1024, 4096, 4);
  CHECK(bytes / 35e9 * 1e3 == Approx(2.88).epsilon(1e-2));
  CHECK(MoeIntensity(1, 2, 2.0, 4) == Approx(0.5));
  // Prefill (T = 512): all 8 experts touched, m = 128, 25.8 GFLOP, I = 64.
  CHECK(ExpectedExpertsTouched(8, 2, 512) == Approx(8.0).epsilon(1e-12));
  CHECK(MoeExpertFlops(512, 2, 1024, 4096) / 1e9 == Approx(25.77).epsilon(1e-3));
  CHECK(MoeIntensity(512, 2, 8.0, 4) == Approx(64.0));
  // Ridge: m* = 2 P / BW for fp32; 300 GFLOP/s over 35 GB/s gives ~17.
  CHECK(RidgeTokensPerExpert(300, 35, 4) == Approx(17.14).epsilon(1e-3));
  CHECK(RooflineGflops(0.5, 300, 35) == Approx(17.5));
  CHECK(RooflineGflops(64, 300, 35) == Approx(300));
  CHECK(MoeRouterFlops(512, 1024, 8) == Approx(2.0 * 512 * 1024 * 8));
}

}  // namespace
}  // namespace expertlab::theory
