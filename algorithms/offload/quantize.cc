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

}  // namespace

float QuantCodeAt(const QuantView& m, int64_t i) {
  if (m.format == static_cast<int>(WeightFormat::kInt8))
    return static_cast<float>(static_cast<int8_t>(m.codes[i]));
  return static_cast<float>(FromNibble(i % 2 == 0 ? m.codes[i / 2] & 0xF : m.codes[i / 2] >> 4));
}

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
  const QuantView view = m.View();
  for (int64_t i = 0; i < m.rows * m.cols; ++i)
    out[static_cast<size_t>(i)] = QuantCodeAt(view, i) * m.scales[static_cast<size_t>(i / m.group)];
}

}  // namespace expertlab::offload
