#include "algorithms/moe/self_contrast.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "sim/check.h"

namespace expertlab::moe {
namespace {

TEST_CASE("self-contrast logits equal (1 + beta) z_s - beta z_w on the plausible tokens",
          "[theory][moe]") {
  // alpha = 0.1: V_valid = { z_s >= max z_s + log 0.1 = 3 - 2.3026 = 0.6974 }
  // = tokens 0 (3.0) and 2 (1.0); token 1 (0.5) and 3 (-1) are cut.
  const std::vector<float> strong = {3.0f, 0.5f, 1.0f, -1.0f};
  const std::vector<float> weak = {2.5f, -4.0f, -2.0f, 0.0f};
  std::vector<float> out(4);
  SelfContrastLogits(strong.data(), weak.data(), 4, 0.1, 0.5, out.data());
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(out[0] == Approx(1.5 * 3.0 - 0.5 * 2.5));  // 3.25
  CHECK(out[1] == -inf);
  CHECK(out[2] == Approx(1.5 * 1.0 + 0.5 * 2.0));  // 2.5
  CHECK(out[3] == -inf);
  // A larger beta lets the contrast overturn the strong argmax: token 2
  // (weak -2) overtakes token 0 (weak 2.5) once (1 + b) 1 + 2 b >
  // (1 + b) 3 - 2.5 b, i.e. b > 0.8.
  SelfContrastLogits(strong.data(), weak.data(), 4, 0.1, 0.9, out.data());
  CHECK(out[2] > out[0]);
  SelfContrastLogits(strong.data(), weak.data(), 4, 0.1, 0.7, out.data());
  CHECK(out[2] < out[0]);
  // beta = 0 is the strong pass on V_valid; alpha = 1 keeps only the argmax.
  SelfContrastLogits(strong.data(), weak.data(), 4, 0.1, 0.0, out.data());
  CHECK(out[0] == 3.0f);
  SelfContrastLogits(strong.data(), weak.data(), 4, 1.0, 0.5, out.data());
  CHECK(out[2] == -inf);
  CHECK_THROWS_WITH(SelfContrastLogits(strong.data(), weak.data(), 4, 0.0, 0.5, out.data()),
                    Catch::Contains("alpha"));
  CHECK_THROWS_WITH(SelfContrastLogits(strong.data(), weak.data(), 4, 0.1, -1, out.data()),
                    Catch::Contains("beta"));
}

}  // namespace
}  // namespace expertlab::moe
