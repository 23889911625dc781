#include "algorithms/experts/kernels.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <numeric>
#include <vector>

#include "sim/rng.h"

namespace expertlab::experts {
namespace {

// Distance in units in the last place between two positive doubles.
double Ulps(double a, double b) { return std::fabs(a - b) / (std::nextafter(b, 1e300) - b); }

TEST_CASE("ExpNonPositive is within 2 ulp of std::exp from -708 to 0", "[unit][theory]") {
  // glibc's exp is correctly rounded in almost all cases, so it serves as
  // the reference; 2 ulp is the error budget of the reduction + polynomial.
  double worst = 0;
  for (int k = 0; k <= 200000; ++k) {
    const double x = -708.0 * k / 200000.0;
    worst = std::max(worst, Ulps(ExpNonPositive(x), std::exp(x)));
  }
  for (double x : {-0.0, -1e-300, -1e-17, -0.5 * std::log(2.0), -std::log(2.0), -1.0, -700.5})
    worst = std::max(worst, Ulps(ExpNonPositive(x), std::exp(x)));
  CHECK(worst <= 2.0);
  CHECK(ExpNonPositive(0.0) == 1.0);
  // Below -708 the result is clamped at exp(-708), never 0 or subnormal.
  CHECK(ExpNonPositive(-1e6) == ExpNonPositive(-708.0));
  CHECK(ExpNonPositive(-1e6) > 0);
}

TEST_CASE("vectorised kernel equals the scalar formula bit for bit", "[unit][determinism]") {
  // Seed 3: random cumulative losses and losses; whichever ISA clone runs,
  // every element must equal ExpNonPositive evaluated one at a time.
  Rng rng(3, 0, 0, 0);
  const int n = 1000;
  std::vector<double> losses(n), cumulative(n), weights(n);
  for (int i = 0; i < n; ++i) {
    losses[i] = rng.Uniform();
    cumulative[i] = 1000 * rng.Uniform();
  }
  std::vector<double> expected_cumulative = cumulative;
  std::vector<double> block_sums((n + ExpWeights::kBlock - 1) / ExpWeights::kBlock);
  const ExpWeightsTotals totals = ExpWeightsKernel(losses.data(), cumulative.data(), 0.0, 0.37,
                                                   weights.data(), block_sums.data(), n);
  for (int i = 0; i < n; ++i) {
    expected_cumulative[i] += losses[i];
    CHECK(cumulative[i] == expected_cumulative[i]);
    INFO("i = " << i << ", x = " << -0.37 * expected_cumulative[i] << ", kernel - scalar = "
                << weights[i] - ExpNonPositive(-0.37 * expected_cumulative[i]));
    CHECK(weights[i] == ExpNonPositive(-0.37 * expected_cumulative[i]));
  }
  // The fused reductions: the minimum exactly, block sums to rounding.
  CHECK(totals.minimum ==
        *std::min_element(expected_cumulative.begin(), expected_cumulative.end()));
  for (int b = 0; b < static_cast<int>(block_sums.size()); ++b) {
    double sum = 0;
    for (int i = b * ExpWeights::kBlock; i < std::min(n, (b + 1) * ExpWeights::kBlock); ++i)
      sum += weights[i];
    CHECK(block_sums[b] == Approx(sum).epsilon(1e-14));
  }
  CHECK(totals.total ==
        Approx(std::accumulate(weights.begin(), weights.end(), 0.0)).epsilon(1e-14));
  // The scalar reference agrees to within rounding of std::exp.
  std::vector<double> scalar_weights(n);
  std::vector<double> c2(expected_cumulative);
  ExpWeightsScalar(nullptr, c2.data(), 0.0, 0.37, scalar_weights.data(), n);
  for (int i = 0; i < n; ++i)
    CHECK(weights[i] == Approx(scalar_weights[i]).epsilon(1e-15).margin(1e-300));
}

TEST_CASE("ExpWeights keeps the leader at weight 1 and samples p", "[unit]") {
  ExpWeights w;
  w.Reset(5);
  CHECK(w.total() == 5.0);
  Eigen::ArrayXd losses(5);
  losses << 1, 0, 0.5, 1, 1;
  for (int day = 0; day < 100000; ++day) w.Update(losses, 0.5);
  // After 1e5 days the gaps are 1e5 * eta: the leader (expert 1) has weight
  // exactly 1, others are clamped tiny but positive (no underflow to NaN).
  CHECK(w.weights()[1] == 1.0);
  CHECK(w.Probability(1) == Approx(1.0));
  CHECK(w.weights().allFinite());

  // Chi-square goodness of fit of Sample against p on 300 experts (spans two
  // blocks of 256), 200k draws with a fixed seed (11). 299 degrees of
  // freedom: mean 299, sd ~24.5; 420 is ~5 sd, so a correct sampler fails
  // with negligible probability.
  ExpWeights v;
  v.Reset(300);
  Eigen::ArrayXd l(300);
  for (int i = 0; i < 300; ++i) l[i] = (i % 7) / 7.0;
  v.Update(l, 1.0);
  Rng rng(11, 0, 0, 0);
  std::vector<int> counts(300, 0);
  const int draws = 200000;
  for (int k = 0; k < draws; ++k) ++counts[v.Sample(rng.Uniform())];
  double chi2 = 0;
  for (int i = 0; i < 300; ++i) {
    const double expected = draws * v.Probability(i);
    chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
  }
  INFO("chi2 = " << chi2 << " on 299 dof, seed 11");
  CHECK(chi2 < 420);
  // Extremes of the uniform land on the first and last positive items.
  CHECK(v.Sample(0.0) == 0);
  CHECK(v.Sample(std::nextafter(1.0, 0.0)) == 299);
}

TEST_CASE("ExpWeights' distribution is the softmax of -eta L under any shift", "[unit][theory]") {
  // Seed 9: 60 days of uniform losses on 700 experts (the leader changes,
  // so yesterday's-minimum shifts differ from today's), then a negative
  // loss (forces the exact-minimum path). p must equal exp(-eta L_i) /
  // sum_j exp(-eta L_j) evaluated directly in long double.
  Rng rng(9, 0, 0, 0);
  const int n = 700;
  const double eta = 0.3;
  ExpWeights w;
  w.Reset(n);
  Eigen::ArrayXd losses(n);
  auto check_softmax = [&] {
    const auto& cumulative = w.cumulative();
    long double z = 0;
    for (int i = 0; i < n; ++i) z += std::exp(-(long double)eta * cumulative[i]);
    for (int i = 0; i < n; ++i)
      CHECK(w.Probability(i) ==
            Approx(static_cast<double>(std::exp(-(long double)eta * cumulative[i]) / z))
                .epsilon(1e-12));
  };
  for (int day = 0; day < 60; ++day) {
    for (int i = 0; i < n; ++i) losses[i] = rng.Uniform();
    w.Update(losses, eta);
  }
  check_softmax();
  losses.setZero();
  losses[5] = -40.0;
  w.Update(losses, eta);
  CHECK(w.weights()[5] == 1.0);  // recomputed with the exact minimum
  check_softmax();
}

TEST_CASE("IdIndex agrees with std::map under random inserts and erases", "[unit]") {
  // Seed 5; ids from a small range so collisions and backward shifts occur.
  Rng rng(5, 0, 0, 0);
  IdIndex index(64);
  std::map<int, int> reference;
  for (int step = 0; step < 20000; ++step) {
    const int id = static_cast<int>(rng.UniformInt(200));
    if (reference.size() < 64 && rng.Uniform() < 0.5) {
      index.Set(id, step);
      reference[id] = step;
    } else {
      index.Erase(id);
      reference.erase(id);
    }
    if (step % 97 == 0) {
      for (int probe = 0; probe < 200; ++probe) {
        auto it = reference.find(probe);
        CHECK(index.Find(probe) == (it == reference.end() ? -1 : it->second));
      }
    }
  }
  CHECK(index.size() == static_cast<int>(reference.size()));
}

TEST_CASE("counter hashes give fair, independent-looking bits", "[unit]") {
  // 1e6 bits from consecutive counters: mean 1/2 within 5 sd (sd = 5e-4),
  // and adjacent-bit agreement 1/2 within 5 sd.
  int64_t ones = 0;
  int64_t agree = 0;
  int64_t pairs = 0;
  for (uint64_t a = 0; a < 1000; ++a) {
    for (uint64_t b = 0; b < 250; ++b) {
      const uint64_t w = CellBits(42, a, b);
      ones += std::popcount(w & 0xFull);
      agree += std::popcount(~(w ^ (w >> 1)) & 0x7ull);
      pairs += 3;
    }
  }
  CHECK(std::fabs(ones / 1e6 - 0.5) < 5 * 5e-4);
  CHECK(std::fabs(static_cast<double>(agree) / pairs - 0.5) <
        5 * 0.5 / std::sqrt(static_cast<double>(pairs)));
}

}  // namespace
}  // namespace expertlab::experts
