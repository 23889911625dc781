#include "algorithms/moe/train/adamw.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/check.h"

namespace expertlab::moe {
namespace {

TEST_CASE("AdamW's first step moves every parameter by lr sign(g) plus decay", "[theory][moe]") {
  // Kingma & Ba, ICLR 2015, §3: with bias correction the first update is
  // m_hat / sqrt(v_hat) = g / |g|; AdamW adds lr wd theta on decayed blocks.
  std::vector<double> theta{1.0, -2.0, 0.5}, grad{0.3, -4.0, 1e-3};
  AdamW<double> adam({.lr = 0.01, .eps = 0, .weight_decay = 0.1, .clip_norm = 0});
  adam.Step({{theta.data(), grad.data(), 2, true}, {theta.data() + 2, grad.data() + 2, 1, false}});
  CHECK(theta[0] == Approx(1.0 - 0.01 * (1 + 0.1 * 1.0)));
  CHECK(theta[1] == Approx(-2.0 - 0.01 * (-1 + 0.1 * -2.0)));
  CHECK(theta[2] == Approx(0.5 - 0.01));
}

TEST_CASE("AdamW under a constant gradient moves lr sign(g) every step", "[theory][moe]") {
  // With g constant the bias-corrected moments are exact at every t:
  // m_hat = g, v_hat = g^2 (Kingma & Ba, §3), so t steps move t lr sign(g).
  std::vector<float> theta{0.25f, -1.0f}, grad{2.5f, -0.01f};
  AdamW<float> adam({.lr = 0.01, .eps = 0, .clip_norm = 0});
  for (int t = 0; t < 50; ++t) adam.Step({{theta.data(), grad.data(), 2, false}});
  CHECK(adam.steps() == 50);
  CHECK(theta[0] == Approx(0.25 - 50 * 0.01).margin(1e-5));
  CHECK(theta[1] == Approx(-1.0 + 50 * 0.01).margin(1e-5));
}

TEST_CASE("AdamW clips by the global norm over every block", "[theory][moe]") {
  // Pascanu et al., ICML 2013, Alg. 1: clipping at c equals running the
  // unclipped optimiser on g min(1, c / ||g||_2), the norm taken over all
  // blocks together; Step reports the norm before clipping.
  const std::vector<std::vector<double>> grads{{3, 4, 0}, {0.1, -0.2, 0.05}, {-6, 8, 24}};
  std::vector<double> clipped{1, 2, 3}, reference{1, 2, 3};
  AdamW<double> with_clip({.lr = 0.1, .clip_norm = 1.0});
  AdamW<double> without({.lr = 0.1, .clip_norm = 0});
  for (const auto& g : grads) {
    std::vector<double> raw = g, scaled = g;
    const double norm = std::sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
    for (double& x : scaled) x *= std::min(1.0, 1.0 / norm);
    CHECK(with_clip.Step({{clipped.data(), raw.data(), 1, false},
                          {clipped.data() + 1, raw.data() + 1, 2, false}}) == Approx(norm));
    without.Step({{reference.data(), scaled.data(), 3, false}});
  }
  for (int i = 0; i < 3; ++i) CHECK(clipped[i] == Approx(reference[i]).epsilon(1e-12));
}

TEST_CASE("AdamW rejects parameter blocks that change between steps", "[unit][moe]") {
  std::vector<double> theta(4, 1.0), grad(4, 0.5);
  AdamW<double> adam({});
  adam.Step({{theta.data(), grad.data(), 4, false}});
  CHECK_THROWS_AS(adam.Step({{theta.data(), grad.data(), 3, false}}), Error);
  CHECK_THROWS_AS(adam.Step({{theta.data(), grad.data(), 2, false},
                             {theta.data() + 2, grad.data() + 2, 2, false}}),
                  Error);
}

}  // namespace
}  // namespace expertlab::moe
