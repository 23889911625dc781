#include "algorithms/offload/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "sim/check.h"

namespace expertlab::offload {
namespace {

// Codes per byte of a packed format (1 for int8).
int CodesPerByte(WeightFormat format) {
  return format == WeightFormat::kInt4 ? 2 : format == WeightFormat::kInt2 ? 4 : 1;
}

}  // namespace

// Byte and bit offset of packed code i (row-major) of a matrix with `cols`
// columns: 4-bit codes in blocks of 32 (byte j: weights j and j + 16),
// 2-bit codes four a byte in order.
std::pair<int64_t, int> PackedPosition(WeightFormat format, int64_t cols, int64_t i) {
  if (format == WeightFormat::kInt2) return {i / 4, 2 * static_cast<int>(i % 4)};
  const int64_t block = i - i % cols + (i % cols) / kInt4Block * kInt4Block;
  const int64_t j = (i % cols) % kInt4Block;
  return {block / 2 + j % (kInt4Block / 2), 4 * static_cast<int>(j / (kInt4Block / 2))};
}

float QuantCodeAt(const QuantView& m, int64_t i) {
  const auto format = static_cast<WeightFormat>(m.format);
  if (format == WeightFormat::kInt8) return static_cast<float>(static_cast<int8_t>(m.codes[i]));
  const int bits = 8 / CodesPerByte(format);
  const auto [byte, shift] = PackedPosition(format, m.cols, i);
  const int code = (m.codes[byte] >> shift) & ((1 << bits) - 1);
  return static_cast<float>(code >= (1 << (bits - 1)) ? code - (1 << bits) : code);
}

WeightFormat ParseWeightFormat(const std::string& name, const std::string& key) {
  if (name == "fp32") return WeightFormat::kFp32;
  if (name == "int8") return WeightFormat::kInt8;
  if (name == "int4") return WeightFormat::kInt4;
  if (name == "int2") return WeightFormat::kInt2;
  EXPERTLAB_CHECK(false) << key << ": expected fp32, int8, int4 or int2, got '" << name << "'";
  return WeightFormat::kFp32;
}

const char* FormatName(WeightFormat format) {
  switch (format) {
    case WeightFormat::kInt8: return "int8";
    case WeightFormat::kInt4: return "int4";
    case WeightFormat::kInt2: return "int2";
    default: return "fp32";
  }
}

int QuantMax(WeightFormat format) {
  switch (format) {
    case WeightFormat::kInt8: return 127;
    case WeightFormat::kInt4: return 7;
    case WeightFormat::kInt2: return 1;
    default: return 0;
  }
}

int64_t CodeBytes(WeightFormat format, int64_t n) {
  return format == WeightFormat::kFp32 ? n * 4 : n / CodesPerByte(format);
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
  const int per_byte = CodesPerByte(format);
  EXPERTLAB_CHECK(format != WeightFormat::kInt4 || cols % kInt4Block == 0)
      << "quantize: int4 rows hold blocks of " << kInt4Block << " weights, got " << cols
      << " columns";
  EXPERTLAB_CHECK(group >= 1 && cols % group == 0 && group % per_byte == 0)
      << "group: expected a divisor of cols = " << cols
      << (per_byte > 1
              ? " and a multiple of " + std::to_string(per_byte) + " for " + FormatName(format)
              : std::string())
      << ", got " << group;
  m.group = group;
  const int q_max = QuantMax(format), bits = 8 / per_byte;
  m.scales.resize(static_cast<size_t>(rows * (cols / group)));
  m.codes.assign(static_cast<size_t>(CodeBytes(format, rows * cols)), 0);
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
      // Two's complement in `bits` bits.
      const auto code = static_cast<uint8_t>(q & ((1 << bits) - 1));
      if (per_byte == 1) {
        m.codes[static_cast<size_t>(i)] = code;
      } else {
        const auto [byte, shift] = PackedPosition(format, cols, i);
        m.codes[static_cast<size_t>(byte)] |= static_cast<uint8_t>(code << shift);
      }
    }
  }
  return m;
}

void Dequantize(const QuantView& m, std::span<float> out) {
  EXPERTLAB_CHECK(static_cast<int64_t>(out.size()) == m.rows * m.cols)
      << "dequantize: output size " << out.size() << " != " << m.rows * m.cols;
  if (m.format == static_cast<int>(WeightFormat::kFp32)) {
    if (!out.empty()) std::memcpy(out.data(), m.codes, out.size() * sizeof(float));
    return;
  }
  for (int64_t i = 0; i < m.rows * m.cols; ++i)
    out[static_cast<size_t>(i)] = QuantCodeAt(m, i) * m.scales[i / m.group];
}

}  // namespace expertlab::offload
