#include "algorithms/gmoe/model.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "algorithms/gmoe/truth.h"
#include "tests/algorithms/gmoe/test_util.h"

namespace expertlab::gmoe {
namespace {

using testing::RandomModel;
using testing::TestRng;

TEST_CASE("gmoe log-likelihood equals the mixture density summed by hand", "[unit][theory]") {
  Rng rng = TestRng(1);
  for (const std::string& gate : GateNames()) {
    const Model m = RandomModel(gate, 3, 2, rng);
    const Sample s = DrawSample(m, 20, rng);
    double expected = 0;
    for (int j = 0; j < 20; ++j) {
      // Softmax of the logits written out, then the Gaussian densities.
      double norm = 0, density = 0;
      std::vector<double> e(3);
      for (int i = 0; i < 3; ++i) {
        const double w = m.beta1.row(i).dot(s.x.row(j));
        e[i] = std::exp((m.gate.Score(w) + m.beta0[i]) / m.tau);
        norm += e[i];
      }
      for (int i = 0; i < 3; ++i) {
        const double mean = m.a.row(i).dot(s.x.row(j)) + m.b[i];
        density += e[i] / norm * std::exp(-0.5 * std::pow(s.y[j] - mean, 2) / m.nu[i]) /
                   std::sqrt(2 * std::numbers::pi * m.nu[i]);
      }
      expected += std::log(density);
    }
    // Rounding only: 20 terms of order 1, relative 1e-12.
    CHECK(LogLikelihood(m, s.x, s.y) == Approx(expected).epsilon(1e-12));
  }
}

// Draws at one input x: the share of each expert must match g(x) and the
// responses' mean and variance the mixture's, in closed form. Each check
// allows 4.5 standard errors (two-sided level ~7e-6 under the normal
// approximation, N = 2e5 draws); the variance's standard error uses the
// mixture's central fourth moment sum_i g_i (d_i^4 + 6 d_i^2 nu_i + 3 nu_i^2).
TEST_CASE("gmoe sampler matches the mixture weights and conditional moments", "[theory]") {
  constexpr int kDraws = 200000;
  constexpr double kZ = 4.5;
  for (const std::string gate : {"temperature", "tanh", "sigmoid"}) {
    INFO("gate " << gate << ", seed " << testing::kSeed);
    const Model m = ReferenceTruth(ParseGate(gate));
    Eigen::MatrixXd x = Eigen::MatrixXd::Constant(kDraws, 1, 0.33);
    Rng rng = TestRng(2);
    const Sample s = DrawResponses(m, x, rng);
    const Eigen::VectorXd g = LogGate(m, x.topRows(1)).row(0).transpose().array().exp();
    Eigen::VectorXd mean_i(2);
    for (int i = 0; i < 2; ++i) mean_i[i] = m.a(i, 0) * 0.33 + m.b[i];
    const double mu = g.dot(mean_i);
    double var = 0, m4 = 0;
    for (int i = 0; i < 2; ++i) {
      const double dev = mean_i[i] - mu;
      var += g[i] * (dev * dev + m.nu[i]);
      m4 += g[i] * (std::pow(dev, 4) + 6 * dev * dev * m.nu[i] + 3 * m.nu[i] * m.nu[i]);
    }
    double share0 = 0;
    for (int e : s.expert) share0 += e == 0;
    share0 /= kDraws;
    CHECK(std::abs(share0 - g[0]) <= kZ * std::sqrt(g[0] * g[1] / kDraws));
    const double y_mean = s.y.mean();
    CHECK(std::abs(y_mean - mu) <= kZ * std::sqrt(var / kDraws));
    const double y_var = (s.y.array() - y_mean).square().sum() / (kDraws - 1);
    CHECK(std::abs(y_var - var) <= kZ * std::sqrt((m4 - var * var) / kDraws));
  }
}

TEST_CASE("gmoe samples are nested along n and inputs uniform", "[unit][determinism]") {
  const Model m = ReferenceTruth(ParseGate("softmax"));
  Rng a = TestRng(3), b = TestRng(3);
  const Sample small = DrawSample(m, 100, a), large = DrawSample(m, 1000, b);
  CHECK(small.x == large.x.topRows(100));
  CHECK(small.y == large.y.head(100));
  // Mean of 1000 U[0,1]: standard error 1/sqrt(12000); 4.5 of them.
  CHECK(std::abs(large.x.mean() - 0.5) <= 4.5 / std::sqrt(12000.0));
}

TEST_CASE("homogeneous activations make the gate scale invariant, others do not", "[theory]") {
  Rng rng = TestRng(4);
  for (const std::string& gate : GateNames()) {
    if (gate == "softmax") continue;
    const Model m = RandomModel(gate, 3, 2, rng);
    Model scaled = m;
    scaled.beta1 *= 2.5;
    scaled.beta0 *= 2.5;
    scaled.tau *= 2.5;
    const Sample s = DrawSample(m, 50, rng);
    const double change = (LogGate(m, s.x) - LogGate(scaled, s.x)).cwiseAbs().maxCoeff();
    INFO("gate " << gate);
    if (m.gate.PositivelyHomogeneous()) CHECK(change <= 1e-12);
    else CHECK(change >= 1e-3);
  }
}

TEST_CASE("gmoe bad input is refused with the key named", "[unit]") {
  CHECK_THROWS_WITH(ParseGate("swish"), Catch::Contains("unknown activation 'swish'"));
  CHECK_THROWS_WITH(ZeroModel(ParseGate("tanh"), 0, 1), Catch::Contains("k:"));
  Model m = ReferenceTruth(ParseGate("tanh"));
  m.nu[1] = 0;
  CHECK_THROWS_WITH(m.Validate(), Catch::Contains("nu:"));
  m = ReferenceTruth(ParseGate("tanh"));
  m.tau = -1;
  CHECK_THROWS_WITH(m.Validate(), Catch::Contains("tau:"));
  m = ReferenceTruth(ParseGate("tanh"));
  Rng rng = TestRng(5);
  const Sample s = DrawSample(m, m.NumFreeParams() - 1, rng);
  CHECK_THROWS_WITH(CheckSample(m, s.x, s.y), Catch::Contains("n: "));
  const Sample enough = DrawSample(m, m.NumFreeParams(), rng);
  CHECK_NOTHROW(CheckSample(m, enough.x, enough.y));
}

}  // namespace
}  // namespace expertlab::gmoe
