// Tests for sim/samplers' discrete samplers (Categorical, AliasTable, Zipf,
// Shuffle, SampleWithoutReplacement) against their exact distributions
// (goodness-of-fit helpers and critical values in sampler_fit.h).
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

// Draws kN indices, requires index 1 (weight 0) never to appear and returns
// the chi-square statistic over the four positive-weight indices (3 df).
template <typename Draw>
double CategoricalFit(Draw draw) {
  std::vector<uint64_t> counts(kWeights.size(), 0);
  for (int i = 0; i < kN; ++i) ++counts[draw()];
  CHECK(counts[1] == 0);
  return ChiSquare({counts[0], counts[2], counts[3], counts[4]}, Normalized({1.0, 3.0, 2.0, 0.5}));
}

TEST_CASE("Categorical matches its weights", "[unit][theory]") {
  const uint64_t seed = 109;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  CHECK(CategoricalFit([&] { return Categorical(rng, kWeights); }) < Chi2Crit(3));
  const std::vector<double> single = {0.0, 0.0, 7.0};
  for (int i = 0; i < 100; ++i) CHECK(Categorical(rng, single) == 2);
}

TEST_CASE("Categorical and AliasTable reject bad weights", "[unit]") {
  Rng rng(1, 0, 0, 0);
  const std::vector<std::vector<double>> bad = {
      {}, {0.0, 0.0}, {1.0, -1.0}, {1.0, kNaN}, {1.0, kInf}};
  for (const auto& w : bad) {
    INFO("weights of size " << w.size());
    CHECK_THROWS_AS(Categorical(rng, w), Error);
    CHECK_THROWS_AS(AliasTable(w), Error);
  }
  const std::vector<double> negative = {1.0, 2.0, -0.25};
  CHECK_THROWS_WITH(Categorical(rng, negative),
                    Catch::Contains("weights[2]") && Catch::Contains("-0.25"));
}

TEST_CASE("AliasTable matches its weights", "[unit][theory]") {
  const uint64_t seed = 110;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  SECTION("small table with a zero weight") {
    const AliasTable table(kWeights);
    CHECK(table.size() == kWeights.size());
    CHECK(CategoricalFit([&] { return table.Sample(rng); }) < Chi2Crit(3));
  }
  SECTION("50 uneven weights, every fifth zero") {
    std::vector<double> w(50);
    std::vector<double> positive;
    for (std::size_t i = 0; i < w.size(); ++i) {
      w[i] = (i % 5 == 0) ? 0.0 : 1.0 + static_cast<double>((i * 37) % 11);
      if (w[i] > 0.0) positive.push_back(w[i]);
    }
    const AliasTable table(w);
    std::vector<uint64_t> counts(w.size(), 0);
    for (int i = 0; i < kN; ++i) ++counts[table.Sample(rng)];
    std::vector<uint64_t> positive_counts;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i] == 0.0) {
        CHECK(counts[i] == 0);
      } else {
        positive_counts.push_back(counts[i]);
      }
    }
    REQUIRE(positive.size() == 40);
    CHECK(ChiSquare(positive_counts, Normalized(positive)) < Chi2Crit(39));
  }
  SECTION("single category") {
    const std::vector<double> one = {0.25};
    const AliasTable table(one);
    for (int i = 0; i < 100; ++i) CHECK(table.Sample(rng) == 0);
  }
}

// sum_{k=1}^{m} k^-s: exact summation for small m; for large m the first
// 999 terms plus the Euler-Maclaurin tail from 1000 to m (terms through the
// third derivative, error far below 1e-12 relative at this cut-off).
double GeneralizedHarmonic(double m, double s) {
  if (m <= 1e6) {
    double sum = 0.0;
    for (double k = m; k >= 1.0; k -= 1.0) sum += std::pow(k, -s);
    return sum;
  }
  const double a = 1000.0;
  double sum = 0.0;
  for (double k = a - 1.0; k >= 1.0; k -= 1.0) sum += std::pow(k, -s);
  const double integral =
      (s == 1.0) ? std::log(m / a) : (std::pow(m, 1.0 - s) - std::pow(a, 1.0 - s)) / (1.0 - s);
  const double ends = 0.5 * (std::pow(a, -s) + std::pow(m, -s));
  const double d1 = s / 12.0 * (std::pow(a, -s - 1.0) - std::pow(m, -s - 1.0));
  const double d3 =
      s * (s + 1.0) * (s + 2.0) / 720.0 * (std::pow(a, -s - 3.0) - std::pow(m, -s - 3.0));
  return sum + integral + ends + d1 - d3;
}

TEST_CASE("Zipf matches the exact pmf for small n", "[unit][theory]") {
  const uint64_t seed = 111;
  const uint64_t n = 10;
  for (const double s : {0.0, 0.8, 1.0, 1.5, 3.0}) {
    INFO("seed " << seed << ", s " << s);
    Rng rng(seed, static_cast<uint64_t>(s * 10), 0, 0);
    const Zipf zipf(n, s);
    std::vector<uint64_t> counts(n, 0);
    for (int i = 0; i < kN; ++i) {
      const uint64_t k = zipf.Sample(rng);
      REQUIRE(k >= 1);
      REQUIRE(k <= n);
      ++counts[k - 1];
    }
    std::vector<double> pmf(n);
    for (uint64_t k = 1; k <= n; ++k) {
      pmf[k - 1] = std::pow(static_cast<double>(k), -s);
    }
    CHECK(ChiSquare(counts, Normalized(pmf)) < Chi2Crit(9));
  }
}

TEST_CASE("Zipf is exact at n = 2^40", "[unit][theory]") {
  const uint64_t seed = 112;
  const uint64_t n = uint64_t{1} << 40;
  const double m = static_cast<double>(uint64_t{1} << 20);
  for (const double s : {0.8, 1.0, 1.5}) {
    INFO("seed " << seed << ", s " << s);
    Rng rng(seed, static_cast<uint64_t>(s * 10), 0, 0);
    const Zipf zipf(n, s);
    int ones = 0;
    int twos = 0;
    int head = 0;
    for (int i = 0; i < kN; ++i) {
      const uint64_t k = zipf.Sample(rng);
      REQUIRE(k >= 1);
      REQUIRE(k <= n);
      ones += (k == 1);
      twos += (k == 2);
      head += (k <= static_cast<uint64_t>(m));
    }
    // Given ones + twos draws in {1, 2}, ones is binomial with success
    // probability 2^s / (1 + 2^s), independent of the normalising constant.
    const double q = std::pow(2.0, s) / (1.0 + std::pow(2.0, s));
    const double pair = ones + twos;
    CHECK(std::abs(ones - pair * q) < 5.0 * std::sqrt(pair * q * (1 - q)));
    // P(K <= 2^20) = H(2^20, s) / H(2^40, s), which exercises the whole
    // range: for s = 0.8 about 3/4 of the mass lies above 2^20.
    const double p_head =
        GeneralizedHarmonic(m, s) / GeneralizedHarmonic(static_cast<double>(n), s);
    INFO("P(K <= 2^20) = " << p_head << ", observed " << head / double{kN});
    CHECK(std::abs(head - kN * p_head) < 5.0 * std::sqrt(kN * p_head * (1 - p_head)));
  }
}

TEST_CASE("Zipf edge cases and parameter checks", "[unit]") {
  Rng rng(113, 0, 0, 0);
  const Zipf one(1, 1.2);
  for (int i = 0; i < 100; ++i) CHECK(one.Sample(rng) == 1);
  const Zipf steep(uint64_t{1} << 40, 20.0);  // almost all mass on 1
  for (int i = 0; i < 1000; ++i) {
    const uint64_t k = steep.Sample(rng);
    REQUIRE(k >= 1);
    REQUIRE(k <= 2);
  }
  CHECK_THROWS_AS(Zipf(0, 1.0), Error);
  CHECK_THROWS_AS(Zipf((uint64_t{1} << 52) + 1, 1.0), Error);
  CHECK_THROWS_AS(Zipf(10, -0.5), Error);
  CHECK_THROWS_AS(Zipf(10, kNaN), Error);
  CHECK_THROWS_WITH(Zipf(10, -0.5), Catch::Contains("-0.5"));
}

TEST_CASE("Shuffle gives every permutation equal probability", "[unit][theory]") {
  const uint64_t seed = 114;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  // All 24 permutations of 4 items, 5000 expected each: 23 df.
  std::map<std::vector<int>, uint64_t> counts;
  for (int i = 0; i < 120000; ++i) {
    std::vector<int> v = {0, 1, 2, 3};
    Shuffle(rng, v);
    ++counts[v];
  }
  REQUIRE(counts.size() == 24);
  std::vector<uint64_t> c;
  for (const auto& [perm, count] : counts) c.push_back(count);
  CHECK(ChiSquare(c, std::vector<double>(24, 1.0 / 24)) < Chi2Crit(23));

  std::vector<int> empty;
  Shuffle(rng, empty);
  std::vector<int> single = {42};
  Shuffle(rng, single);
  CHECK(single == std::vector<int>{42});
}

TEST_CASE("SampleWithoutReplacement gives uniform subsets", "[unit][theory]") {
  const uint64_t seed = 115;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  // All 10 two-element subsets of {0..4}, 10000 expected each: 9 df.
  std::map<std::vector<uint64_t>, uint64_t> counts;
  for (int i = 0; i < 100000; ++i) ++counts[SampleWithoutReplacement(rng, 5, 2)];
  REQUIRE(counts.size() == 10);
  std::vector<uint64_t> c;
  for (const auto& [subset, count] : counts) {
    REQUIRE(subset[0] < subset[1]);
    c.push_back(count);
  }
  CHECK(ChiSquare(c, std::vector<double>(10, 0.1)) < Chi2Crit(9));

  const std::vector<uint64_t> all = SampleWithoutReplacement(rng, 6, 6);
  CHECK(all == std::vector<uint64_t>{0, 1, 2, 3, 4, 5});
  CHECK(SampleWithoutReplacement(rng, 6, 0).empty());
  const uint64_t big = uint64_t{1} << 40;
  const std::vector<uint64_t> few = SampleWithoutReplacement(rng, big, 10);
  REQUIRE(few.size() == 10);
  CHECK(std::adjacent_find(few.begin(), few.end(), std::greater_equal<uint64_t>()) == few.end());
  CHECK(few.back() < big);
  CHECK_THROWS_AS(SampleWithoutReplacement(rng, 3, 4), Error);
}

}  // namespace
}  // namespace expertlab
