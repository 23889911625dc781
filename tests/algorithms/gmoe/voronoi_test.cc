#include "algorithms/gmoe/voronoi.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/gmoe/truth.h"
#include "tests/algorithms/gmoe/test_util.h"

namespace expertlab::gmoe {
namespace {

using testing::RandomModel;
using testing::TestRng;

constexpr Coordinates kBoth[] = {Coordinates::kRaw, Coordinates::kIdentifiable};

// Swaps experts i and j (neither the reference).
Model Swap(Model m, int i, int j) {
  m.beta1.row(i).swap(m.beta1.row(j));
  std::swap(m.beta0[i], m.beta0[j]);
  m.a.row(i).swap(m.a.row(j));
  std::swap(m.b[i], m.b[j]);
  std::swap(m.nu[i], m.nu[j]);
  return m;
}

TEST_CASE("Voronoi losses vanish on identical parameters and ignore labels", "[theory]") {
  Rng rng = TestRng(20);
  for (const std::string& gate : GateNames()) {
    const Model truth = RandomModel(gate, 3, 2, rng);
    Model fitted = truth;
    fitted.b += Eigen::VectorXd::Constant(3, 0.01);
    fitted.beta1(0, 1) += 0.02;
    for (Coordinates c : kBoth) {
      INFO("gate " << gate);
      CHECK(VoronoiD1(truth, truth, c) == 0.0);
      CHECK(VoronoiD2(truth, truth, c) == 0.0);
      const double d1 = VoronoiD1(fitted, truth, c), d2 = VoronoiD2(fitted, truth, c);
      CHECK(d1 > 0);
      // Relabelling the fitted or the true experts changes nothing.
      CHECK(VoronoiD1(Swap(fitted, 0, 1), truth, c) == Approx(d1).epsilon(1e-14));
      CHECK(VoronoiD1(fitted, Swap(truth, 0, 1), c) == Approx(d1).epsilon(1e-14));
      CHECK(VoronoiD2(Swap(fitted, 0, 1), Swap(truth, 0, 1), c) == Approx(d2).epsilon(1e-14));
    }
  }
}

TEST_CASE("Voronoi D1 and D2 equal their closed forms on simple perturbations", "[theory]") {
  for (const std::string gate : {"softmax", "tanh"}) {
    const Model truth = ReferenceTruth(ParseGate(gate));
    const double mass = std::exp(truth.beta0[0] / truth.tau);
    // One expert's intercept off by delta: D1 = its mass times delta.
    Model shifted = truth;
    shifted.b[0] += 0.1;
    CHECK(VoronoiD1(shifted, truth, Coordinates::kRaw) == Approx(mass * 0.1).epsilon(1e-12));
    // Expert 0 split in two halves of its mass with intercepts +-delta: the
    // mass term vanishes and D2 = 2 (mass/2) delta^rbar(2) = mass delta^4.
    Model split = ZeroModel(truth.gate, 3, 1);
    split.tau = truth.tau;
    for (int i = 0; i < 2; ++i) {
      split.beta1(i, 0) = truth.beta1(0, 0);
      split.beta0[i] = truth.beta0[0] - truth.tau * std::log(2.0);
      split.a(i, 0) = truth.a(0, 0);
      split.nu[i] = truth.nu[0];
    }
    split.b[0] = truth.b[0] + 0.1;
    split.b[1] = truth.b[0] - 0.1;
    split.a(2, 0) = truth.a(1, 0);
    split.b[2] = truth.b[1];
    split.nu[2] = truth.nu[1];
    INFO("gate " << gate);
    CHECK(VoronoiD2(split, truth, Coordinates::kRaw) == Approx(mass * 1e-4).epsilon(1e-10));
    // All of it from the shared cell: no mass error, the reference exact.
    const VoronoiParts parts = VoronoiD2Parts(split, truth, Coordinates::kRaw);
    CHECK(parts.mass == Approx(0.0).margin(1e-12));
    CHECK(parts.single == Approx(0.0).margin(1e-12));
    CHECK(parts.shared == Approx(mass * 1e-4).epsilon(1e-10));
    CHECK(VoronoiD2Parts(shifted, truth, Coordinates::kRaw).shared == 0.0);
    CHECK(VoronoiD1(split, truth, Coordinates::kRaw) == Approx(mass * 0.1).epsilon(1e-10));
  }
  CHECK_THROWS_WITH(Rbar(4), Catch::Contains("2 or 3"));
}

TEST_CASE("identifiable coordinates see through the temperature's scale direction", "[theory]") {
  const Model truth = ReferenceTruth(ParseGate("temperature"));
  Model scaled = truth;
  scaled.beta1 *= 1.5;
  scaled.beta0 *= 1.5;
  scaled.tau *= 1.5;
  CHECK(VoronoiD1(scaled, truth, Coordinates::kIdentifiable) == Approx(0.0).margin(1e-12));
  // Raw: the atom's mass is unchanged (beta0/tau), its gap is |dbeta1| + |dtau|.
  const double mass = std::exp(truth.beta0[0] / truth.tau);
  CHECK(VoronoiD1(scaled, truth, Coordinates::kRaw) ==
        Approx(mass * (12.5 + 0.5) + 1.0 * 0.5).epsilon(1e-12));
}

}  // namespace
}  // namespace expertlab::gmoe
