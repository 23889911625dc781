// Tests for sim/samplers' continuous and Bernoulli samplers against their
// exact distributions (goodness-of-fit helpers and critical values in
// sampler_fit.h), and the determinism and pinned outputs of every sampler.
//
// Every randomized test uses a fixed seed, stated in the test and echoed with
// INFO, so runs are deterministic.
#include "sim/samplers.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <numeric>
#include <vector>

#include "sim/check.h"
#include "sim/rng.h"
#include "tests/sim/sampler_fit.h"

namespace expertlab {
namespace {

TEST_CASE("Normal matches the standard normal", "[unit][theory]") {
  const uint64_t seed = 101;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  const std::vector<double> x = Draws(kN, [&] { return Normal(rng); });
  CheckMoments(x, 0.0, 1.0);
  const double ks =
      KolmogorovSmirnov(x, [](double v) { return 0.5 * std::erfc(-v / std::numbers::sqrt2); });
  CHECK(ks < kKsCrit);
}

TEST_CASE("Normal(mean, sd) shifts and scales", "[unit][theory]") {
  const uint64_t seed = 102;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  CheckMoments(Draws(kN, [&] { return Normal(rng, 3.0, 2.0); }), 3.0, 4.0);
  CHECK(Normal(rng, -1.5, 0.0) == -1.5);
  CHECK_THROWS_AS(Normal(rng, 0.0, -1.0), Error);
  CHECK_THROWS_AS(Normal(rng, 0.0, kNaN), Error);
  CHECK_THROWS_AS(Normal(rng, kInf, 1.0), Error);
  CHECK_THROWS_WITH(Normal(rng, 0.0, -2.5), Catch::Contains("-2.5"));
}

TEST_CASE("Exponential matches its cdf and moments", "[unit][theory]") {
  const uint64_t seed = 103;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  const double rate = 2.5;
  const std::vector<double> x = Draws(kN, [&] { return Exponential(rng, rate); });
  CheckMoments(x, 1.0 / rate, 1.0 / (rate * rate));
  CHECK(KolmogorovSmirnov(x, [&](double v) { return -std::expm1(-rate * v); }) < kKsCrit);
  CHECK(*std::min_element(x.begin(), x.end()) > 0.0);
  CHECK_THROWS_AS(Exponential(rng, 0.0), Error);
  CHECK_THROWS_AS(Exponential(rng, -1.0), Error);
  CHECK_THROWS_AS(Exponential(rng, kNaN), Error);
}

TEST_CASE("Gumbel has mean gamma and variance pi^2/6", "[unit][theory]") {
  const uint64_t seed = 104;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  const std::vector<double> x = Draws(kN, [&] { return Gumbel(rng); });
  CheckMoments(x, std::numbers::egamma, std::numbers::pi * std::numbers::pi / 6);
  CHECK(KolmogorovSmirnov(x, [](double v) { return std::exp(-std::exp(-v)); }) < kKsCrit);
}

TEST_CASE("Bernoulli hits p", "[unit][theory]") {
  const uint64_t seed = 105;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  const double p = 0.3;
  int ones = 0;
  for (int i = 0; i < kN; ++i) ones += Bernoulli(rng, p) ? 1 : 0;
  // Binomial(N, p): 5 standard errors of sqrt(N p (1 - p)).
  CHECK(std::abs(ones - kN * p) < 5.0 * std::sqrt(kN * p * (1 - p)));
  for (int i = 0; i < 1000; ++i) {
    CHECK_FALSE(Bernoulli(rng, 0.0));
    CHECK(Bernoulli(rng, 1.0));
  }
  CHECK_THROWS_AS(Bernoulli(rng, -0.1), Error);
  CHECK_THROWS_AS(Bernoulli(rng, 1.1), Error);
  CHECK_THROWS_AS(Bernoulli(rng, kNaN), Error);
  CHECK_THROWS_WITH(Bernoulli(rng, 1.1), Catch::Contains("1.1"));
}

TEST_CASE("Gamma has mean and variance equal to its shape", "[unit][theory]") {
  const uint64_t seed = 106;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  for (const double shape : {0.5, 1.0, 3.0}) {
    INFO("shape " << shape);
    const std::vector<double> x = Draws(kN, [&] { return Gamma(rng, shape); });
    CheckMoments(x, shape, shape);
    CHECK(*std::min_element(x.begin(), x.end()) >= 0.0);
    if (shape == 1.0) {  // Gamma(1) is Exponential(1): also check the cdf.
      CHECK(KolmogorovSmirnov(x, [](double v) { return -std::expm1(-v); }) < kKsCrit);
    }
  }
  for (int i = 0; i < 1000; ++i) {
    const double g = Gamma(rng, 1e-3);
    REQUIRE(std::isfinite(g));
    REQUIRE(g >= 0.0);
  }
  CHECK_THROWS_AS(Gamma(rng, 0.0), Error);
  CHECK_THROWS_AS(Gamma(rng, -2.0), Error);
  CHECK_THROWS_AS(Gamma(rng, kNaN), Error);
  CHECK_THROWS_AS(Gamma(rng, kInf), Error);
}

TEST_CASE("Dirichlet marginals are Beta(alpha_i, alpha_0 - alpha_i)", "[unit][theory]") {
  const uint64_t seed = 107;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  const std::vector<double> alpha = {0.5, 1.0, 2.5};
  const double a0 = 4.0;
  constexpr int kDraws = 100000;
  std::vector<std::vector<double>> marginals(alpha.size());
  std::vector<double> out(alpha.size());
  for (int i = 0; i < kDraws; ++i) {
    Dirichlet(rng, alpha, out);
    const double sum = std::accumulate(out.begin(), out.end(), 0.0);
    REQUIRE(std::abs(sum - 1.0) < 1e-12);
    for (std::size_t j = 0; j < alpha.size(); ++j) {
      REQUIRE(out[j] >= 0.0);
      marginals[j].push_back(out[j]);
    }
  }
  for (std::size_t j = 0; j < alpha.size(); ++j) {
    INFO("component " << j);
    CheckMoments(marginals[j], alpha[j] / a0, alpha[j] * (a0 - alpha[j]) / (a0 * a0 * (a0 + 1.0)));
  }
}

TEST_CASE("Dirichlet stays on the simplex for tiny alphas", "[unit]") {
  const uint64_t seed = 108;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  // Gamma(1e-3) underflows to 0 about half the time; the log-space
  // normalisation must still give a valid point, never 0/0.
  const std::vector<double> alpha(5, 1e-3);
  std::vector<double> out(alpha.size());
  for (int i = 0; i < 10000; ++i) {
    Dirichlet(rng, alpha, out);
    double sum = 0.0;
    for (const double v : out) {
      REQUIRE(std::isfinite(v));
      REQUIRE(v >= 0.0);
      sum += v;
    }
    REQUIRE(std::abs(sum - 1.0) < 1e-12);
  }
  std::vector<double> wrong_size(4);
  CHECK_THROWS_AS(Dirichlet(rng, alpha, wrong_size), Error);
  const std::vector<double> zero = {1.0, 0.0};
  std::vector<double> out2(2);
  CHECK_THROWS_WITH(Dirichlet(rng, zero, out2), Catch::Contains("alpha[1]"));
  const std::vector<double> empty;
  std::vector<double> out0;
  CHECK_THROWS_AS(Dirichlet(rng, empty, out0), Error);
}

TEST_CASE("Samplers are deterministic given the stream", "[determinism]") {
  // Two Rngs with equal coordinates must drive every sampler identically,
  // including the rejection loops (Gamma, Zipf, UniformInt).
  auto run = [](Rng rng) {
    std::vector<double> out;
    const AliasTable table(kWeights);
    const Zipf zipf(1000, 1.1);
    std::vector<double> dir(3);
    const std::vector<double> alpha = {0.3, 1.0, 4.0};
    for (int i = 0; i < 500; ++i) {
      out.push_back(Normal(rng));
      out.push_back(Exponential(rng, 1.5));
      out.push_back(Gumbel(rng));
      out.push_back(Bernoulli(rng, 0.4) ? 1.0 : 0.0);
      out.push_back(Gamma(rng, 0.7));
      out.push_back(Gamma(rng, 2.2));
      Dirichlet(rng, alpha, dir);
      out.insert(out.end(), dir.begin(), dir.end());
      out.push_back(static_cast<double>(Categorical(rng, kWeights)));
      out.push_back(static_cast<double>(table.Sample(rng)));
      out.push_back(static_cast<double>(zipf.Sample(rng)));
    }
    std::vector<int> perm(20);
    std::iota(perm.begin(), perm.end(), 0);
    Shuffle(rng, perm);
    out.insert(out.end(), perm.begin(), perm.end());
    for (const uint64_t v : SampleWithoutReplacement(rng, 1000, 7)) {
      out.push_back(static_cast<double>(v));
    }
    return out;
  };
  const std::vector<double> a = run(Rng(2024, 1, 2, 3));
  const std::vector<double> b = run(Rng(2024, 1, 2, 3));
  const std::vector<double> c = run(Rng(2024, 1, 2, 4));
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("Sampler outputs are pinned", "[determinism]") {
  // Regression pins produced by this implementation (not external values):
  // they catch an accidental change of algorithm or draw order, which would
  // silently change stored results. Integer-valued samplers are compared
  // exactly; real-valued ones to 1e-12 so a last-bit libm difference on
  // another platform does not trip them.
  Rng rng(7, 7, 0, 0);
  CHECK(Normal(rng) == Approx(-1.3213307918218047).epsilon(1e-12));
  CHECK(Gamma(rng, 2.5) == Approx(3.5231004460782542).epsilon(1e-12));
  CHECK(Zipf(1000, 1.0).Sample(rng) == 14u);
  CHECK(Categorical(rng, kWeights) == 2u);
  CHECK(rng.UniformInt(1000000007) == 931841738u);
}

}  // namespace
}  // namespace expertlab
