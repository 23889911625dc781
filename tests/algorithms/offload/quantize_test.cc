#include "algorithms/offload/quantize.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "algorithms/offload/quantized_expert.h"
#include "sim/check.h"
#include "sim/rng.h"
#include "sim/samplers.h"

namespace expertlab::offload {
namespace {

std::vector<float> QuantTestWeights(int64_t n, uint64_t seed) {
  Rng rng(seed, 0x9a47, 0, 1);
  std::vector<float> w(static_cast<size_t>(n));
  for (float& v : w) v = static_cast<float>(Normal(rng));
  if (n >= 96) {  // an exact zero, and a group of zeros
    w[3] = 0;
    for (int j = 0; j < 32; ++j) w[static_cast<size_t>(64 + j)] = 0;
  }
  return w;
}

TEST_CASE("quantise then dequantise stays within scale / 2 per weight", "[theory]") {
  // Round-to-nearest error <= scale / 2 = max|w|_group / (2 q_max); float
  // rounding of w / scale and q * scale adds a few ulps of max|w|_group.
  const int64_t rows = 6, cols = 128;
  const std::vector<float> w = QuantTestWeights(rows * cols, 3);
  for (auto format : {WeightFormat::kInt8, WeightFormat::kInt4, WeightFormat::kInt2}) {
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
      // Bytes: codes (1, 1/2 or 1/4 per weight) plus one float per group.
      const double per_weight = format == WeightFormat::kInt8   ? 1.0
                                : format == WeightFormat::kInt4 ? 0.5
                                                                : 0.25;
      CHECK(m.Bytes() == int64_t(per_weight * rows * cols) + rows * (cols / group) * 4);
    }
  }
  const QuantizedMatrix exact = Quantize(w, rows, cols, WeightFormat::kFp32, 0);
  std::vector<float> back(w.size());
  Dequantize(exact, back);
  CHECK(back == w);
}

// The documented arithmetic of QuantizedVecMat, written out: min(4, rows)
// row chunks, each folding its rows in order from zero with fma(code,
// x[r] * scale, p[c]), then added to y in chunk order.
std::vector<float> VecMatByDefinition(const QuantizedMatrix& m, const std::vector<float>& x,
                                      std::vector<float> y) {
  const QuantView v = m.View();
  const auto* w = reinterpret_cast<const float*>(m.codes.data());
  const int64_t chunks = std::min<int64_t>(4, m.rows);
  for (int64_t k = 0; k < chunks; ++k) {
    std::vector<float> p(static_cast<size_t>(m.cols), 0.0f);
    for (int64_t c = 0; c < m.cols; ++c)
      for (int64_t r = m.rows * k / chunks; r < m.rows * (k + 1) / chunks; ++r) {
        const int64_t i = r * m.cols + c;
        p[c] = m.format == WeightFormat::kFp32
                   ? std::fma(w[i], x[r], p[c])
                   : std::fma(QuantCodeAt(v, i), x[r] * m.scales[i / m.group], p[c]);
      }
    for (int64_t c = 0; c < m.cols; ++c) y[c] += p[c];
  }
  return y;
}

TEST_CASE("the decode kernel y += x W follows its definition bit for bit", "[unit]") {
  // 23 rows (chunks of 5 and 6: a pass of four and single rows), 96 and
  // 192 columns. Where the CPU has the vector kernel it takes groups of 64
  // (4-bit: two chunks of codes a group), 48 (int8: three, a pair and one),
  // 32 and 16 (one chunk a group: groups in pairs, with an odd one last for
  // 4-bit at 96 columns); 8 and int2 take the portable one; 1, 2 and 3
  // threads share the row chunks differently.
  const int64_t rows = 23;
  const std::vector<float> x = QuantTestWeights(rows, 5);
  for (int64_t cols : {96, 192}) {
    const std::vector<float> w = QuantTestWeights(rows * cols, 4);
    const std::vector<float> y0 = QuantTestWeights(cols, 6);
    for (auto format :
         {WeightFormat::kFp32, WeightFormat::kInt8, WeightFormat::kInt4, WeightFormat::kInt2})
      for (int group : {64, 48, 32, 16, 8}) {
        if (cols % group != 0) continue;
        const QuantizedMatrix m = Quantize(w, rows, cols, format, group);
        const std::vector<float> expected = VecMatByDefinition(m, x, y0);
        for (int threads : {1, 2, 3}) {
          std::vector<float> y = y0;
          QuantizedVecMat(m, x, y, threads);
          INFO(FormatName(format) << " cols " << cols << " group " << group << " threads "
                                  << threads);
          REQUIRE(y == expected);
        }
        // And it is x times the dequantised matrix, up to float rounding.
        std::vector<float> dense(w.size());
        Dequantize(m, dense);
        for (int64_t c = 0; c < cols; ++c) {
          double ref = y0[c], mag = std::abs(y0[c]);
          for (int64_t r = 0; r < rows; ++r) {
            ref += double(dense[r * cols + c]) * x[r];
            mag += std::abs(double(dense[r * cols + c]) * x[r]);
          }
          CHECK(expected[c] == Approx(ref).margin(1e-6 * mag));
        }
      }
  }
}

TEST_CASE("a quantised expert adds weight times its dequantised FFN", "[unit]") {
  // Reference in double from the dequantised matrices: SwiGLU
  // silu(x Wg) (x Wu) Wd and GELU gelu(x Wg) Wd, scaled by the weight.
  for (auto activation : {moe::Activation::kSwiGlu, moe::Activation::kGelu}) {
    moe::MoeConfig config;
    config.d_model = 32;
    config.d_ff = 64;
    config.experts = 3;
    config.top_k = 1;
    config.activation = activation;
    Rng rng(8, 0, 0, 0);
    const auto weights = moe::MoeWeights<float>::Random(config, rng);
    const std::vector<float> x = QuantTestWeights(32, 9);
    for (auto format : {WeightFormat::kFp32, WeightFormat::kInt4}) {
      const QuantizedExpert e = QuantizeExpert(weights, 2, activation, format, 16);
      const auto dense = [](const QuantizedMatrix& m) {
        std::vector<float> out(static_cast<size_t>(m.rows * m.cols));
        Dequantize(m, out);
        return out;
      };
      const std::vector<float> wg = dense(e.gate), wd = dense(e.down);
      const std::vector<float> wu = e.up.rows ? dense(e.up) : std::vector<float>{};
      std::vector<double> h(64);
      for (int j = 0; j < 64; ++j) {
        double g = 0, u = 0;
        for (int i = 0; i < 32; ++i) {
          g += double(x[i]) * wg[i * 64 + j];
          if (!wu.empty()) u += double(x[i]) * wu[i * 64 + j];
        }
        h[j] = activation == moe::Activation::kSwiGlu
                   ? g / (1 + std::exp(-g)) * u
                   : 0.5 * g * (1 + std::tanh(std::sqrt(2 / M_PI) * (g + 0.044715 * g * g * g)));
      }
      std::vector<float> y(32, 1.0f), scratch;
      ApplyQuantizedExpert(e, x, 0.5f, y, &scratch, 2);
      for (int c = 0; c < 32; ++c) {
        double ref = 1.0;
        for (int j = 0; j < 64; ++j) ref += 0.5 * h[j] * wd[j * 32 + c];
        CHECK(y[c] == Approx(ref).margin(1e-5));
      }
    }
  }
}

TEST_CASE("int4 packs a block of 32 as llama.cpp's Q4_0: byte j holds weights j and j + 16",
          "[unit]") {
  // Integer weights in [-7, 7] with a 7 in the group: scale 1, codes = weights.
  std::vector<float> w(32);
  for (int j = 0; j < 32; ++j) w[j] = static_cast<float>(j % 15 - 7);
  const QuantizedMatrix m = Quantize(w, 1, 32, WeightFormat::kInt4, 32);
  REQUIRE(m.scales[0] == 1.0f);
  for (int j = 0; j < 16; ++j) {
    const int low = static_cast<int>(w[j]) & 0xF, high = static_cast<int>(w[j + 16]) & 0xF;
    CHECK(m.codes[j] == static_cast<uint8_t>(low | high << 4));
  }
}

TEST_CASE("bad quantisation settings are errors naming the key", "[unit]") {
  const std::vector<float> w(12, 1.0f);
  CHECK_THROWS_WITH(Quantize(w, 2, 6, WeightFormat::kInt8, 4), Catch::Contains("group"));
  const std::vector<float> wide(128, 1.0f);
  CHECK_THROWS_WITH(Quantize(wide, 2, 64, WeightFormat::kInt4, 3),
                    Catch::Contains("multiple of 2 for int4"));
  CHECK_THROWS_WITH(Quantize(w, 2, 6, WeightFormat::kInt4, 2), Catch::Contains("blocks of 32"));
  CHECK_THROWS_WITH(Quantize(w, 2, 6, WeightFormat::kInt2, 6),
                    Catch::Contains("multiple of 4 for int2"));
  CHECK_THROWS_WITH(ParseWeightFormat("int3", "bits"), Catch::Contains("bits"));
  const QuantizedMatrix m = Quantize(w, 2, 6, WeightFormat::kInt8, 6);
  std::vector<float> x(3), y(6);
  CHECK_THROWS_WITH(QuantizedVecMat(m, x, y), Catch::Contains("x of 2"));
}

}  // namespace
}  // namespace expertlab::offload
