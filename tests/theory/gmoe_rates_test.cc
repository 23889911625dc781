#include "theory/gmoe_rates.h"

#include <catch2/catch.hpp>
#include <cmath>

namespace expertlab::theory {
namespace {

// On a log grid, the local slope of log(1/log n) is -1/log n; its average
// over log n in [L1, L2] is -ln(L2/L1)/(L2 - L1) = -0.1326 for n in
// [1e2, 1e5]. The least-squares slope weights the ends more; it lies
// within 0.01 of that average (the curvature of -log l over a factor 2.5
// in l).
TEST_CASE("1/log n has log-log slope about -0.13 over 1e2..1e5", "[theory]") {
  const double l1 = std::log(1e2), l2 = std::log(1e5);
  const double average = -std::log(l2 / l1) / (l2 - l1);
  CHECK(average == Approx(-0.1326).margin(1e-4));
  CHECK(std::abs(InverseLogSlope(1e2, 1e5, 64) - average) <= 0.01);
  CHECK(PredictedVoronoiSlope(true, true, true) == InverseLogSlope(kRateGridMin, kRateGridMax, 64));
  CHECK(PredictedVoronoiSlope(true, true, false) == -0.5);
  CHECK(PredictedVoronoiSlope(false, true, true) == -0.5);
  CHECK(PredictedVoronoiSlope(true, false, true) == -0.5);
}

}  // namespace
}  // namespace expertlab::theory
