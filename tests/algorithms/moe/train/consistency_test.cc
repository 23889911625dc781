#include "algorithms/moe/train/consistency.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/rng.h"
#include "sim/samplers.h"

namespace expertlab::moe {
namespace {

TEST_CASE("consistency losses by hand", "[theory][moe]") {
  // p = (0.8, 0.2), q = (0.5, 0.5): 1/2 [0.3 log 1.6 - 0.3 log 0.4] = 0.15 log 4.
  const std::vector<double> a = {std::log(0.8), std::log(0.2)}, b = {0.0, 0.0};
  CHECK(SymmetricKlConsistency<double>(a.data(), b.data(), 1, 2, 1.0, nullptr, nullptr) ==
        Approx(0.15 * std::log(4.0)).epsilon(1e-12));
  // Identical passes cost nothing; alpha scales; rows are averaged.
  CHECK(SymmetricKlConsistency<double>(a.data(), a.data(), 1, 2, 3.0, nullptr, nullptr) == 0.0);
  const std::vector<double> x = {1.0, 2.0, -1.0, 0.5}, y = {0.0, 2.0, 1.0, 0.5};
  // (1 + 0 + 4 + 0) / 4 times alpha = 2.
  CHECK(GaussianConsistency<double>(x.data(), y.data(), 2, 2, 2.0, nullptr, nullptr) ==
        Approx(2.5).epsilon(1e-15));
}

TEST_CASE("consistency loss gradients match central differences", "[theory][moe]") {
  const uint64_t seed = 77;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  const int64_t rows = 4, cols = 5;
  const double alpha = 1.7;
  std::vector<double> a(rows * cols), b(rows * cols);
  for (auto& v : a) v = 2.0 * Normal(rng);
  for (auto& v : b) v = 2.0 * Normal(rng);
  for (bool kl : {true, false}) {
    INFO((kl ? "symmetric KL" : "Gaussian"));
    const auto loss = kl ? SymmetricKlConsistency<double> : GaussianConsistency<double>;
    std::vector<double> da(rows * cols, 0.0), db(rows * cols, 0.0);
    loss(a.data(), b.data(), rows, cols, alpha, da.data(), db.data());
    for (int side = 0; side < 2; ++side) {
      std::vector<double>& z = side == 0 ? a : b;
      const std::vector<double>& grad = side == 0 ? da : db;
      for (int64_t i = 0; i < rows * cols; ++i) {
        const double z0 = z[i], h = 1e-6;
        z[i] = z0 + h;
        const double lp = loss(a.data(), b.data(), rows, cols, alpha, nullptr, nullptr);
        z[i] = z0 - h;
        const double lm = loss(a.data(), b.data(), rows, cols, alpha, nullptr, nullptr);
        z[i] = z0;
        // O(h^2) truncation and ~1e-10 rounding on an O(1) loss.
        CHECK(grad[i] == Approx((lp - lm) / (2 * h)).margin(1e-8));
      }
    }
  }
}

}  // namespace
}  // namespace expertlab::moe
