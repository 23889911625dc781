// Goodness-of-fit helpers of the sampler tests (samplers_test.cc,
// samplers_discrete_test.cc): moments within 5 standard errors, Pearson's
// chi-square against an exact pmf, Kolmogorov-Smirnov against an exact cdf,
// with the upper 1e-4 quantiles as critical values (a correct sampler fails
// a given seed with probability ~1e-4; 5 standard errors on a moment is
// ~6e-7).
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <vector>

namespace expertlab {

// Non-finite parameters every sampler must refuse.
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Upper 1e-4 quantiles of chi-square, scipy.stats.chi2.isf(1e-4, df) with
// SciPy 1.10, indexed by degrees of freedom.
inline double Chi2Crit(int df) {
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
inline double ChiSquare(const std::vector<uint64_t>& counts, const std::vector<double>& probs) {
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

inline std::vector<double> Normalized(std::vector<double> w) {
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

inline Moments ComputeMoments(const std::vector<double>& x) {
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

inline void CheckMoments(const std::vector<double>& x, double mean, double var) {
  const Moments m = ComputeMoments(x);
  INFO("mean " << m.mean << " (expected " << mean << ", SE " << m.se_mean << "); var " << m.var
               << " (expected " << var << ", SE " << m.se_var << ")");
  CHECK(std::abs(m.mean - mean) < 5.0 * m.se_mean);
  CHECK(std::abs(m.var - var) < 5.0 * m.se_var);
}

// sqrt(N) * sup |F_N - F| for a continuous cdf F.
inline double KolmogorovSmirnov(std::vector<double> x, const std::function<double(double)>& cdf) {
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

// Weights with a zero in the middle, shared by Categorical and AliasTable.
inline const std::vector<double> kWeights = {1.0, 0.0, 3.0, 2.0, 0.5};

}  // namespace expertlab
