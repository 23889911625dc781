// Tests for sim/samplers: each sampler against its exact distribution, by
// moments (within 5 standard errors), chi-square goodness of fit against the
// exact pmf, or a Kolmogorov-Smirnov test against the exact cdf.
//
// Every randomized test uses a fixed seed, stated in the test and echoed with
// INFO, so runs are deterministic. Critical values are the upper 1e-4
// quantiles (a correct sampler fails a given seed with probability ~1e-4;
// 5 standard errors on a moment is ~6e-7).
#include "sim/samplers.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <numbers>
#include <numeric>
#include <vector>

#include "sim/check.h"
#include "sim/rng.h"

namespace expertlab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Upper 1e-4 quantiles of chi-square, scipy.stats.chi2.isf(1e-4, df) with
// SciPy 1.10, indexed by degrees of freedom.
double Chi2Crit(int df) {
  static const std::map<int, double> kTable = {
      {3, 21.108}, {4, 23.513}, {9, 33.720}, {23, 57.075}, {39, 80.646}};
  const auto it = kTable.find(df);
  REQUIRE(it != kTable.end());
  return it->second;
}

// Upper 1e-4 quantile of the Kolmogorov distribution (sqrt(N) * D_N for
// large N), scipy.stats.kstwobign.isf(1e-4). The asymptotic law is slightly
// conservative at N = 200k.
constexpr double kKsCrit = 2.2253;

// Pearson's statistic; probs must sum to 1 and every N * probs[i] should be
// well above 5 for the chi-square approximation.
double ChiSquare(const std::vector<uint64_t>& counts, const std::vector<double>& probs) {
  REQUIRE(counts.size() == probs.size());
  const double n = static_cast<double>(std::accumulate(counts.begin(), counts.end(), uint64_t{0}));
  double stat = 0.0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double expected = n * probs[i];
    REQUIRE(expected >= 5.0);
    const double d = static_cast<double>(counts[i]) - expected;
    stat += d * d / expected;
  }
  return stat;
}

std::vector<double> Normalized(std::vector<double> w) {
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& x : w) x /= total;
  return w;
}

// Sample mean and variance with their standard errors estimated from the
// sample itself: SE(mean) = sqrt(m2 / N), SE(var) = sqrt((m4 - m2^2) / N).
struct Moments {
  double mean = 0.0;
  double var = 0.0;
  double se_mean = 0.0;
  double se_var = 0.0;
};

Moments ComputeMoments(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  Moments m;
  for (const double v : x) m.mean += v;
  m.mean /= n;
  double m2 = 0.0;
  double m4 = 0.0;
  for (const double v : x) {
    const double d2 = (v - m.mean) * (v - m.mean);
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  m.var = m2 * n / (n - 1.0);
  m.se_mean = std::sqrt(m2 / n);
  m.se_var = std::sqrt((m4 - m2 * m2) / n);
  return m;
}

void CheckMoments(const std::vector<double>& x, double mean, double var) {
  const Moments m = ComputeMoments(x);
  INFO("mean " << m.mean << " (expected " << mean << ", SE " << m.se_mean << "); var " << m.var
               << " (expected " << var << ", SE " << m.se_var << ")");
  CHECK(std::abs(m.mean - mean) < 5.0 * m.se_mean);
  CHECK(std::abs(m.var - var) < 5.0 * m.se_var);
}

// sqrt(N) * sup |F_N - F| for a continuous cdf F.
double KolmogorovSmirnov(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max(d, std::max(static_cast<double>(i + 1) / n - f, f - static_cast<double>(i) / n));
  }
  return std::sqrt(n) * d;
}

template <typename Draw>
std::vector<double> Draws(int n, Draw draw) {
  std::vector<double> x(static_cast<std::size_t>(n));
  for (double& v : x) v = draw();
  return x;
}

constexpr int kN = 200000;

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

// Weights with a zero in the middle, shared by Categorical and AliasTable.
const std::vector<double> kWeights = {1.0, 0.0, 3.0, 2.0, 0.5};

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
