#include "algorithms/moe/train/attention.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::moe {
namespace {

// y = x W for one row-major [rows x d] block (reference for the checks).
std::vector<double> RowTimes(const std::vector<double>& x, const std::vector<double>& w,
                             int64_t rows, int64_t d) {
  std::vector<double> y(rows * d, 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < d; ++i)
      for (int64_t j = 0; j < d; ++j) y[r * d + j] += x[r * d + i] * w[i * d + j];
  return y;
}

struct AttnFixture {
  static constexpr int64_t kN = 2, kL = 5, kD = 6, kH = 3;
  AttentionConfig config{kD, kH, kL, 1};
  AttentionWeights<double> w;
  std::vector<double> x;
  explicit AttnFixture(uint64_t seed) {
    Rng rng(seed, 0, 0, 0);
    w = AttentionWeights<double>::Random(kD, rng);
    x.resize(kN * kL * kD);
    for (auto& v : x) v = Normal(rng);
  }
};

TEST_CASE("attention: position 0 attends only to itself (causal mask)", "[theory][moe]") {
  const uint64_t seed = 11;
  INFO("seed " << seed);
  AttnFixture f(seed);
  const int64_t d = AttnFixture::kD, L = AttnFixture::kL;
  std::vector<double> y(AttnFixture::kN * L * d);
  AttentionState<double> state;
  AttentionForward(f.config, f.w, f.x.data(), AttnFixture::kN, L, y.data(), &state);
  const auto v = RowTimes(f.x, f.w.w_v, AttnFixture::kN * L, d);
  const auto expected = RowTimes(v, f.w.w_o, AttnFixture::kN * L, d);
  for (int64_t n = 0; n < AttnFixture::kN; ++n) {
    const int64_t row = n * L;  // position 0 of sequence n
    for (int64_t j = 0; j < d; ++j) CHECK(y[row * d + j] == Approx(expected[row * d + j]));
  }
  // Probabilities: rows sum to 1, zero above the diagonal.
  for (int64_t task = 0; task < AttnFixture::kN * AttnFixture::kH; ++task)
    for (int64_t i = 0; i < L; ++i) {
      double sum = 0;
      for (int64_t j = 0; j < L; ++j) {
        const double p = state.probs[(task * L + i) * L + j];
        if (j > i) CHECK(p == 0.0);
        sum += p;
      }
      CHECK(sum == Approx(1.0).epsilon(1e-12));
    }
}

TEST_CASE("attention: W_q = 0 gives uniform attention over the prefix", "[theory][moe]") {
  const uint64_t seed = 12;
  INFO("seed " << seed);
  AttnFixture f(seed);
  std::fill(f.w.w_q.begin(), f.w.w_q.end(), 0.0);
  const int64_t d = AttnFixture::kD, L = AttnFixture::kL, N = AttnFixture::kN;
  std::vector<double> y(N * L * d);
  AttentionState<double> state;
  AttentionForward(f.config, f.w, f.x.data(), N, L, y.data(), &state);
  // Scores are all 0, so P[i, j] = 1 / (i + 1) and position i outputs the
  // mean of v_0..v_i, projected by W_o.
  const auto v = RowTimes(f.x, f.w.w_v, N * L, d);
  std::vector<double> mean(N * L * d, 0.0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t i = 0; i < L; ++i)
      for (int64_t j = 0; j <= i; ++j)
        for (int64_t c = 0; c < d; ++c)
          mean[(n * L + i) * d + c] += v[(n * L + j) * d + c] / double(i + 1);
  const auto expected = RowTimes(mean, f.w.w_o, N * L, d);
  for (size_t i = 0; i < y.size(); ++i) CHECK(y[i] == Approx(expected[i]).margin(1e-12));
}

TEST_CASE("attention: input gradient matches central finite differences", "[theory][moe]") {
  const uint64_t seed = 13;
  INFO("seed " << seed);
  AttnFixture f(seed);
  const int64_t d = AttnFixture::kD, L = AttnFixture::kL, N = AttnFixture::kN;
  // Loss = <c, y> for a fixed random c.
  Rng rng(seed, 0, 0, 1);
  std::vector<double> c(N * L * d), y(N * L * d), dx(N * L * d);
  for (auto& v : c) v = Normal(rng);
  AttentionState<double> state;
  auto loss = [&] {
    AttentionState<double> s;
    AttentionForward(f.config, f.w, f.x.data(), N, L, y.data(), &s);
    double l = 0;
    for (size_t i = 0; i < y.size(); ++i) l += c[i] * y[i];
    return l;
  };
  AttentionForward(f.config, f.w, f.x.data(), N, L, y.data(), &state);
  AttentionWeights<double> grads;
  AttentionBackward(f.config, f.w, state, c.data(), dx.data(), &grads);
  const double h = 1e-6;
  double worst = 0;
  for (size_t i = 0; i < f.x.size(); ++i) {
    const double x0 = f.x[i];
    f.x[i] = x0 + h;
    const double lp = loss();
    f.x[i] = x0 - h;
    const double lm = loss();
    f.x[i] = x0;
    const double fd = (lp - lm) / (2 * h);
    worst = std::max(worst, std::abs(dx[i] - fd) / (1 + std::abs(fd)));
  }
  INFO("max error " << worst);
  CHECK(worst < 1e-7);  // O(h^2) truncation and ~1e-10 rounding
}

TEST_CASE("attention: bad shapes are rejected", "[unit][moe]") {
  AttentionConfig c{8, 3, 4, 1};
  CHECK_THROWS_WITH(c.Validate(), Catch::Contains("must divide d_model"));
  c = {8, 2, 0, 1};
  CHECK_THROWS_WITH(c.Validate(), Catch::Contains("context"));
  c = {8, 0, 4, 1};
  CHECK_THROWS_WITH(c.Validate(), Catch::Contains("heads"));
  c = {8, 2, 4, 1};
  Rng rng(1, 0, 0, 0);
  const auto w = AttentionWeights<float>::Random(8, rng);
  std::vector<float> x(5 * 8), y(5 * 8);
  AttentionState<float> state;
  CHECK_THROWS_WITH(AttentionForward(c, w, x.data(), 1, 5, y.data(), &state),
                    Catch::Contains("outside [1, context = 4]"));
}

}  // namespace
}  // namespace expertlab::moe
