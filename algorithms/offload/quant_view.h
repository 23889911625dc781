// A plain-data view of a weight matrix in one of quantize.h's formats, the
// argument of the ISA-specific decode kernels (quant_kernels_avx512.cc),
// which include nothing but intrinsics and plain-data headers.
#pragma once

#include <cstdint>

namespace expertlab::offload {

struct QuantView {
  int format = 0;  // 0 fp32, 1 int8, 2 int4, 3 int2 (WeightFormat's order)
  int64_t rows = 0, cols = 0;
  int group = 0;                    // weights per scale along a row (0 for fp32)
  const float* scales = nullptr;    // [rows x cols / group]
  const uint8_t* codes = nullptr;   // fp32 bytes, int8 codes, or packed 4- or 2-bit codes
};

namespace avx512 {
// Whether the AVX-512 kernel takes `m` (fp32, int8 or int4; 16 | cols, and
// 16 | group, 32 | group for 4-bit).
bool TakesView(const QuantView& m);
// y[c] = fma(w(r, c), x[r] * scale(r, c), y[c]) for r = r0 .. r1 - 1 in
// order, every column c: the portable kernel's arithmetic, sixteen columns
// at a time.
void VecMatRows(const QuantView& m, const float* x, float* y, int64_t r0, int64_t r1);
}  // namespace avx512

}  // namespace expertlab::offload
