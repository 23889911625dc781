// Expert-wise weight quantisation for offloaded experts: symmetric linear
// quantisation with one fp32 scale per group of `group` consecutive weights
// of a row (scale = max |w| over the group / q_max, q = round(w / scale)
// clamped to [-q_max, q_max]), int8 (q_max = 127), 4-bit (q_max = 7, two
// codes per byte; in each block of 32 weights of a row, byte j holds
// weight j in its low nibble and weight j + 16 in its high one, the layout
// of llama.cpp's Q4_0, so one 16-byte load widens to two vectors of
// consecutive weights) or 2-bit (q_max = 1, ternary, four codes per byte; the
// low width EdgeMoE's sensitivity search probes), and the decode-path
// kernel y += x W reading the codes directly (QuantizedVecMat,
// quant_kernels.cc). EdgeMoE's per-channel linear quantiser (Yi et al.,
// "EdgeMoE: Empowering Sparse Large Language Models on Mobile Devices",
// IEEE TMC 2025, §III-B, step 1) with channels split into groups, as the
// 4-bit formats of llama.cpp (Q4_0: groups of 32) do.
//
// Error bound: round-to-nearest moves each weight by at most scale / 2, so
// |w - dequant(quant(w))| <= max |w|_group / (2 q_max) (fp32: exact).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "algorithms/offload/quant_view.h"

namespace expertlab::offload {

enum class WeightFormat { kFp32, kInt8, kInt4, kInt2 };

// Weights of a 4-bit block (a row's columns come in whole blocks).
inline constexpr int64_t kInt4Block = 32;

// "fp32", "int8", "int4" or "int2"; an error naming `key` otherwise.
WeightFormat ParseWeightFormat(const std::string& name, const std::string& key = "format");
const char* FormatName(WeightFormat format);
// q_max of the format (0 for fp32).
int QuantMax(WeightFormat format);
// Bytes of the codes of n weights (n a multiple of the codes per byte).
int64_t CodeBytes(WeightFormat format, int64_t n);

// A rows x cols matrix (row-major) in one format.
struct QuantizedMatrix {
  WeightFormat format = WeightFormat::kFp32;
  int64_t rows = 0;
  int64_t cols = 0;
  int group = 0;               // weights per scale (divides cols); 0 for fp32
  std::vector<float> scales;   // rows x (cols / group)
  std::vector<uint8_t> codes;  // fp32 bytes, int8 codes, or packed 4- or 2-bit codes
  // Bytes of codes and scales: what a load moves.
  int64_t Bytes() const {
    return static_cast<int64_t>(codes.size() + scales.size() * sizeof(float));
  }
  QuantView View() const {
    return {static_cast<int>(format), rows, cols, group, scales.data(), codes.data()};
  }
};

// Errors name "group" unless group divides cols (and is a multiple of the
// codes per byte: 2 for int4, 4 for int2); int4 needs 32 | cols.
QuantizedMatrix Quantize(std::span<const float> w, int64_t rows, int64_t cols, WeightFormat format,
                         int group);
void Dequantize(const QuantView& m, std::span<float> out);
inline void Dequantize(const QuantizedMatrix& m, std::span<float> out) {
  Dequantize(m.View(), out);
}
// The integer code of weight i (row-major) of an int8, int4 or int2 matrix.
float QuantCodeAt(const QuantView& m, int64_t i);
// y += x W (x: rows values, y: cols values), reading the codes directly:
// the decode step of one token through a weight matrix in the layer's
// layout ([d x f] in, [f x d] out). The rows fall into min(4, rows) fixed
// chunks (rows [rows i / n, rows (i + 1) / n)), each summed from zero in
// row order with one fused multiply-add a weight, fma(code(r, c), x[r] *
// scale(r, c), p[c]) (fp32: fma(w(r, c), x[r], p[c])), then added to y in
// chunk order. Each chunk streams contiguous memory; the result is the
// same bit for bit for any `threads` (which take whole chunks) and on
// every ISA (quant_kernels).
void QuantizedVecMat(const QuantView& m, std::span<const float> x, std::span<float> y,
                     int threads = 1);
inline void QuantizedVecMat(const QuantizedMatrix& m, std::span<const float> x, std::span<float> y,
                            int threads = 1) {
  QuantizedVecMat(m.View(), x, y, threads);
}

}  // namespace expertlab::offload
