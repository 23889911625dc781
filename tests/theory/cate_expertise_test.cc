#include "theory/cate_expertise.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/rng.h"

namespace expertlab::theory {
namespace {

const double kCateLn2 = std::log(2.0);

TEST_CASE("exact expertise on hand-computable settings", "[theory]") {
  SECTION("a perfect predictive policy: E_pred = E_prog = 1, C = 0") {
    const std::vector<DiscreteUnit> units = {
        {0.25, 0, 1, 1}, {0.25, 1, 0, 0}, {0.25, 2, 3, 1}, {0.25, 3, 2, 0}};
    const Expertise e = ExactExpertise(units);
    CHECK(e.e_pred == Approx(1).margin(1e-12));
    CHECK(e.e_prog == Approx(1).margin(1e-12));
    CHECK(e.c == Approx(0).margin(1e-12));
    CHECK(e.h_a == Approx(kCateLn2));
  }
  SECTION("a random policy: E = 0, C = 1") {
    const std::vector<DiscreteUnit> units = {{0.5, 0, 1, 0.5}, {0.5, 1, 0, 0.5}};
    const Expertise e = ExactExpertise(units);
    CHECK(e.e_pred == Approx(0).margin(1e-12));
    CHECK(e.e_prog == Approx(0).margin(1e-12));
    CHECK(e.c == Approx(1).margin(1e-12));
  }
  SECTION("two effects, pi = 0.9 / 0.1: E_pred = 1 - H_b(0.9) / ln 2 = 0.531004") {
    // H_b(0.9) = -0.9 ln 0.9 - 0.1 ln 0.1 = 0.325083 nats.
    const std::vector<DiscreteUnit> units = {{0.5, 0, 1, 0.9}, {0.5, 0, -1, 0.1}};
    const Expertise e = ExactExpertise(units);
    CHECK(e.e_pred == Approx(0.531004).epsilon(1e-5));
    CHECK(e.c == Approx(0.468996).epsilon(1e-5));
    CHECK(e.e_pred + e.c == Approx(1).margin(1e-12));  // X and tau are one-to-one here
  }
  SECTION("prognostic, not predictive: one effect, two outcome levels") {
    const std::vector<DiscreteUnit> units = {{0.5, 0, 1, 0.9}, {0.5, 1, 2, 0.1}};
    const Expertise e = ExactExpertise(units);
    CHECK(e.e_pred == Approx(0).margin(1e-12));
    CHECK(e.e_prog == Approx(0.531004).epsilon(1e-5));
  }
}

TEST_CASE("Proposition 1 and E_pred <= E_prog on random discrete policies", "[theory]") {
  Rng rng(20261203, 0xca7e, 0, 11);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<DiscreteUnit> units(8);
    double total = 0;
    for (auto& u : units) {
      u = {rng.Uniform() + 0.01, double(rng.UniformInt(3)), double(rng.UniformInt(3)),
           rng.Uniform()};
      total += u.prob;
    }
    for (auto& u : units) u.prob /= total;
    const Expertise e = ExactExpertise(units);
    // Exact measures: the inequalities hold up to rounding.
    CHECK(e.e_pred <= e.e_prog + 1e-12);
    CHECK(e.e_prog + e.c <= 1 + 1e-12);
    CHECK(e.e_pred + e.c <= 1 + 1e-12);
    CHECK(e.e_pred >= -1e-12);
  }
}

TEST_CASE("exact expertise: bad input is a clear error", "[unit]") {
  const std::vector<DiscreteUnit> constant = {{1.0, 0, 1, 1.0}};
  CHECK_THROWS_WITH(ExactExpertise(constant), Catch::Contains("H(A) = 0"));
  const std::vector<DiscreteUnit> unnormalised = {{0.3, 0, 1, 0.5}};
  CHECK_THROWS_WITH(ExactExpertise(unnormalised), Catch::Contains("sum to"));
}

}  // namespace
}  // namespace expertlab::theory
