#include "algorithms/offload/quantize.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/check.h"
#include "sim/rng.h"
#include "sim/samplers.h"

namespace expertlab::offload {
namespace {

std::vector<float> QuantTestWeights(int64_t n, uint64_t seed) {
  Rng rng(seed, 0x9a47, 0, 1);
  std::vector<float> w(static_cast<size_t>(n));
  for (float& v : w) v = static_cast<float>(Normal(rng));
  w[3] = 0;  // an exact zero, and a group of zeros below
  for (int j = 0; j < 32; ++j) w[static_cast<size_t>(64 + j)] = 0;
  return w;
}

TEST_CASE("quantise then dequantise stays within scale / 2 per weight", "[theory]") {
  // Round-to-nearest error <= scale / 2 = max|w|_group / (2 q_max); float
  // rounding of w / scale and q * scale adds a few ulps of max|w|_group.
  const int64_t rows = 6, cols = 128;
  const std::vector<float> w = QuantTestWeights(rows * cols, 3);
  for (auto format : {WeightFormat::kInt8, WeightFormat::kInt4}) {
    for (int group : {32, 128}) {
      const QuantizedMatrix m = Quantize(w, rows, cols, format, group);
      std::vector<float> back(w.size());
      Dequantize(m, back);
      for (size_t g = 0; g < w.size() / group; ++g) {
        float top = 0;
        for (int j = 0; j < group; ++j) top = std::max(top, std::abs(w[g * group + j]));
        const float bound = top / (2.0f * QuantMax(format)) * (1 + 1e-5f) + 1e-7f;
        for (int j = 0; j < group; ++j)
          REQUIRE(std::abs(back[g * group + j] - w[g * group + j]) <= bound);
      }
      // Bytes: codes (1 or 1/2 per weight) plus one float per group.
      const double per_weight = format == WeightFormat::kInt8 ? 1.0 : 0.5;
      CHECK(m.Bytes() == int64_t(per_weight * rows * cols) + rows * (cols / group) * 4);
    }
  }
  const QuantizedMatrix exact = Quantize(w, rows, cols, WeightFormat::kFp32, 0);
  std::vector<float> back(w.size());
  Dequantize(exact, back);
  CHECK(back == w);
}

TEST_CASE("the quantised gemv equals the dequantised matrix times x", "[unit]") {
  // Same products in a different association: the per-group float sums
  // agree with the reference within a few ulps of sum |w x|.
  const int64_t rows = 5, cols = 96;
  const std::vector<float> w = QuantTestWeights(rows * cols, 4);
  const std::vector<float> x = QuantTestWeights(cols, 5);
  for (auto format : {WeightFormat::kFp32, WeightFormat::kInt8, WeightFormat::kInt4}) {
    const QuantizedMatrix m = Quantize(w, rows, cols, format, 32);
    std::vector<float> dense(w.size()), y(rows);
    Dequantize(m, dense);
    QuantizedGemv(m, x, y);
    for (int64_t r = 0; r < rows; ++r) {
      double ref = 0, mag = 0;
      for (int64_t c = 0; c < cols; ++c) {
        ref += double(dense[r * cols + c]) * x[c];
        mag += std::abs(double(dense[r * cols + c]) * x[c]);
      }
      CHECK(y[r] == Approx(ref).margin(1e-5 * mag));
    }
  }
}

TEST_CASE("bad quantisation settings are errors naming the key", "[unit]") {
  const std::vector<float> w(12, 1.0f);
  CHECK_THROWS_WITH(Quantize(w, 2, 6, WeightFormat::kInt8, 4), Catch::Contains("group"));
  CHECK_THROWS_WITH(Quantize(w, 2, 6, WeightFormat::kInt4, 3), Catch::Contains("even"));
  CHECK_THROWS_WITH(ParseWeightFormat("int3", "bits"), Catch::Contains("bits"));
}

}  // namespace
}  // namespace expertlab::offload
