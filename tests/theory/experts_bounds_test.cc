#include "theory/experts_bounds.h"

#include <catch2/catch.hpp>
#include <cmath>

namespace expertlab::theory {
namespace {

TEST_CASE("Hedge bound closed forms agree", "[theory]") {
  // At the optimal eta, ln n/eta + eta T/8 = sqrt(T ln n / 2).
  for (int64_t n : {2, 16, 1024}) {
    for (int64_t t : {1, 100, 1 << 20}) {
      const double eta = HedgeOptimalEta(n, t);
      CHECK(HedgeRegretBound(n, t, eta) == Approx(HedgeOptimalRegret(n, t)));
      CHECK(HedgeRegretBound(n, t, eta * 1.1) > HedgeOptimalRegret(n, t));
    }
  }
  CHECK(HedgeOptimalRegret(2, 8) == Approx(std::sqrt(4 * std::log(2.0))));
}

TEST_CASE("FTL trap regret by direct count", "[theory]") {
  // T = 1: FTL pays 1/2, expert 1 pays 0. T = 4: FTL 3.5; experts 1.5 and 2.
  CHECK(FtlTrapRegret(1) == 0.5);
  CHECK(FtlTrapRegret(4) == 2.0);
  CHECK(FtlTrapRegret(5) == 2.5);
}

}  // namespace
}  // namespace expertlab::theory

namespace expertlab::theory {
namespace {

TEST_CASE("MW cost bound", "[theory]") {
  // (1 + eps) L + ln n / eps; at L = 0 it is ln n / eps.
  CHECK(MwCostBound(8, 0.5, 0) == Approx(2 * std::log(8.0)));
  CHECK(MwCostBound(2, 0.25, 100) == Approx(125 + 4 * std::log(2.0)));
}

}  // namespace
}  // namespace expertlab::theory
