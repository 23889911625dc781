// Tests of theory/memory_bounds (kept with the experts family: the family's
// CMakeLists lists them).
#include "theory/memory_bounds.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "theory/experts_bounds.h"

namespace expertlab::theory {
namespace {

TEST_CASE("memory-regret closed forms", "[theory]") {
  // delta* T = c sqrt(nT/S): regret at the hardest gap is the lower bound.
  CHECK(DeltaStar(2, 1024, 65536, 64) * 65536 == Approx(2 * SwxzLowerBound(1024, 65536, 64)));
  // The lower bound halves when memory quadruples (slope -1/2).
  CHECK(SwxzLowerBound(1024, 4096, 64) / SwxzLowerBound(1024, 4096, 256) == Approx(2.0));
  // Random subset with S = n is plain Hedge on n experts.
  CHECK(RandomSubsetRegret(64, 64, 0.1, 1000) == Approx(HedgeOptimalRegret(64, 1000)));
  // PR23 adaptive: the sqrt(n) T / S term dominates iff S < T.
  CHECK(Pr23AdaptiveRegret(1024, 1000, 100) == Approx(32.0 * 1000 / 100));
  CHECK(Pr23AdaptiveRegret(1024, 1000, 2000) == Approx(Pr23ObliviousRegret(1024, 1000, 2000)));
  // Single-scale pool: slope 2/3 in T.
  CHECK(SingleScalePoolRegret(1024, 8000, 16) / SingleScalePoolRegret(1024, 1000, 16) ==
        Approx(4.0));
  CHECK(LowMistakeRegret(1024, 64) == 16);
  CHECK(PoolCyclingRegret(1024, 3, 64) == 48);
  CHECK(KillOnPlayLossRate(40, 31) == 0);
  CHECK(KillOnPlayLossRate(8, 31) == Approx(0.75));
}

TEST_CASE("SWXZ22 validity ranges match hand-computed numbers", "[theory]") {
  // n = 2^10: T = 2^14 needs delta > 0.3125 (random order, log2); T = 2^22
  // with delta = 1/2 allows M <= 8 in the low-mistake regime (8.19 bound).
  CHECK_FALSE(SwxzRandomOrderValid(1024, 1 << 14, 0.31));
  CHECK(SwxzRandomOrderValid(1024, 1 << 14, 0.32));
  CHECK(SwxzLowMistakeValid(1024, 1 << 22, 0.5, 8));
  CHECK_FALSE(SwxzLowMistakeValid(1024, 1 << 22, 0.5, 9));
  CHECK_FALSE(SwxzLowMistakeValid(1024, 1 << 14, 0.5, 0));  // 0.88 needed
}

}  // namespace
}  // namespace expertlab::theory
