#include "theory/debate_accuracy.h"

#include <catch2/catch.hpp>
#include <cmath>

namespace expertlab::theory {
namespace {

TEST_CASE("full disclosure: hand-computed posteriors", "[theory]") {
  // One verified item of likelihood ratio 3 for T: posterior 3 / 4.
  CHECK(FullDisclosureAccuracy({{true, std::log(3.0), false, true}}, {}) == Approx(0.75));
  // Add a refuted item for F (weight 0 for the Bayesian judge): still 3 / 4.
  CHECK(FullDisclosureAccuracy({{true, std::log(3.0), false, true}, {false, 5.0, true, true}},
                               {}) == Approx(0.75));
  // Unrefuted F item of ratio 3 cancels it: 1/2; a naive edge of 0.1 gives 0.6.
  CHECK(FullDisclosureAccuracy({{true, std::log(3.0), false, true},
                                {false, std::log(3.0), false, true}},
                               {1.0, 0.0, 1.0, 0.1}) == Approx(0.6));
  // Unverifiable items count only through credulity; tau scales the margin.
  CHECK(FullDisclosureAccuracy({{true, 2.0, false, false}}, {2.0, 0.5, 1.0, 0.0}) ==
        Approx(1.0 / (1.0 + std::exp(-0.5))));
  CHECK(NaiveAccuracy(0.1) == Approx(0.6));
}

}  // namespace
}  // namespace expertlab::theory
