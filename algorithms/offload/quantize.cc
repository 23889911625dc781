#include "algorithms/offload/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "sim/check.h"

namespace expertlab::offload {
namespace {

// Two's-complement 4-bit code of q in [-7, 7], and back.
uint8_t ToNibble(int q) { return static_cast<uint8_t>(q & 0xF); }
int FromNibble(uint8_t n) { return (n & 0x8) ? static_cast<int>(n) - 16 : static_cast<int>(n); }

int QuantCode(const QuantizedMatrix& m, int64_t i) {
  if (m.format == WeightFormat::kInt8) return static_cast<int8_t>(m.codes[static_cast<size_t>(i)]);
  const uint8_t byte = m.codes[static_cast<size_t>(i / 2)];
  return FromNibble(i % 2 == 0 ? byte & 0xF : byte >> 4);
}

}  // namespace

WeightFormat ParseWeightFormat(const std::string& name, const std::string& key) {
  if (name == "fp32") return WeightFormat::kFp32;
  if (name == "int8") return WeightFormat::kInt8;
  if (name == "int4") return WeightFormat::kInt4;
  EXPERTLAB_CHECK(false) << key << ": expected fp32, int8 or int4, got '" << name << "'";
  return WeightFormat::kFp32;
}

const char* FormatName(WeightFormat format) {
  switch (format) {
    case WeightFormat::kInt8: return "int8";
    case WeightFormat::kInt4: return "int4";
    default: return "fp32";
  }
}

int QuantMax(WeightFormat format) {
  return format == WeightFormat::kInt8 ? 127 : format == WeightFormat::kInt4 ? 7 : 0;
}

QuantizedMatrix Quantize(std::span<const float> w, int64_t rows, int64_t cols, WeightFormat format,
                         int group) {
  EXPERTLAB_CHECK(rows >= 0 && cols >= 0 && static_cast<int64_t>(w.size()) == rows * cols)
      << "quantize: expected " << rows << " x " << cols << " weights, got " << w.size();
  QuantizedMatrix m;
  m.format = format;
  m.rows = rows;
  m.cols = cols;
  if (format == WeightFormat::kFp32) {
    m.codes.resize(w.size() * sizeof(float));
    if (!w.empty()) std::memcpy(m.codes.data(), w.data(), m.codes.size());
    return m;
  }
  EXPERTLAB_CHECK(group >= 1 && cols % group == 0 &&
                  (format != WeightFormat::kInt4 || group % 2 == 0))
      << "group: expected a divisor of cols = " << cols
      << (format == WeightFormat::kInt4 ? " (even for int4)" : "") << ", got " << group;
  m.group = group;
  const int q_max = QuantMax(format);
  m.scales.resize(static_cast<size_t>(rows * (cols / group)));
  m.codes.assign(format == WeightFormat::kInt8 ? w.size() : w.size() / 2, 0);
  for (int64_t g = 0; g < static_cast<int64_t>(m.scales.size()); ++g) {
    const std::span<const float> block =
        w.subspan(static_cast<size_t>(g * group), static_cast<size_t>(group));
    float top = 0;
    for (float v : block) top = std::max(top, std::abs(v));
    const float scale = top / static_cast<float>(q_max);
    m.scales[static_cast<size_t>(g)] = scale;
    for (int j = 0; j < group; ++j) {
      const int64_t i = g * group + j;
      const int q = scale > 0
                        ? std::clamp(static_cast<int>(std::lround(block[j] / scale)), -q_max, q_max)
                        : 0;
      if (format == WeightFormat::kInt8)
        m.codes[static_cast<size_t>(i)] = static_cast<uint8_t>(static_cast<int8_t>(q));
      else
        m.codes[static_cast<size_t>(i / 2)] |= static_cast<uint8_t>(ToNibble(q) << (4 * (i % 2)));
    }
  }
  return m;
}

void Dequantize(const QuantizedMatrix& m, std::span<float> out) {
  EXPERTLAB_CHECK(static_cast<int64_t>(out.size()) == m.rows * m.cols)
      << "dequantize: output size " << out.size() << " != " << m.rows * m.cols;
  if (m.format == WeightFormat::kFp32) {
    if (!out.empty()) std::memcpy(out.data(), m.codes.data(), m.codes.size());
    return;
  }
  for (int64_t i = 0; i < m.rows * m.cols; ++i)
    out[static_cast<size_t>(i)] =
        static_cast<float>(QuantCode(m, i)) * m.scales[static_cast<size_t>(i / m.group)];
}

void QuantizedGemv(const QuantizedMatrix& m, std::span<const float> x, std::span<float> y) {
  EXPERTLAB_CHECK(static_cast<int64_t>(x.size()) == m.cols &&
                  static_cast<int64_t>(y.size()) == m.rows)
      << "gemv: expected x of " << m.cols << " and y of " << m.rows;
  if (m.format == WeightFormat::kFp32) {
    const float* w = reinterpret_cast<const float*>(m.codes.data());
    for (int64_t r = 0; r < m.rows; ++r) {
      float sum = 0;
      for (int64_t c = 0; c < m.cols; ++c) sum += w[r * m.cols + c] * x[static_cast<size_t>(c)];
      y[static_cast<size_t>(r)] = sum;
    }
    return;
  }
  const int64_t groups = m.cols / m.group;
  for (int64_t r = 0; r < m.rows; ++r) {
    float sum = 0;
    for (int64_t g = 0; g < groups; ++g) {
      float partial = 0;
      const int64_t base = (r * groups + g) * m.group;
      for (int j = 0; j < m.group; ++j)
        partial +=
            static_cast<float>(QuantCode(m, base + j)) * x[static_cast<size_t>(g * m.group + j)];
      sum += partial * m.scales[static_cast<size_t>(r * groups + g)];
    }
    y[static_cast<size_t>(r)] = sum;
  }
}

}  // namespace expertlab::offload
