// Scalar forms of the MoE layer's nonlinearities and of the log-sum-exp,
// one copy each for the portable tile (float_kernels.cc), the layer's
// routing and backward (layer_route.cc, layer_backward.cc), the references
// (reference.cc) and the trainer (train.cc).
// simd_math.h holds the vector forms of the same formulas for the ISA
// kernels (and must stay separate: see its header comment).
//
// Activations: SiLU (Elfwing, Uchibe, Doya, "Sigmoid-weighted linear units",
// Neural Networks 2018) as the gate of SwiGLU (Shazeer, "GLU variants
// improve Transformer", arXiv 2002.05202, Eq. 6), and the tanh
// approximation of GELU (Hendrycks, Gimpel, "Gaussian error linear units",
// arXiv 1606.08415, Sec. 2).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace expertlab::moe {

// 1 / (1 + e^{-g}).
template <class S>
S Sigmoid(S g) {
  return S(1) / (S(1) + std::exp(-g));
}

// g sigmoid(g), written as one division.
template <class S>
S Silu(S g) {
  return g / (S(1) + std::exp(-g));
}

inline constexpr double kGeluTanhScale = 0.7978845608028654;  // sqrt(2 / pi)
inline constexpr double kGeluTanhCubic = 0.044715;

// 0.5 z (1 + tanh(c (z + a z^3))).
template <class S>
S GeluTanh(S z) {
  const S c = S(kGeluTanhScale);
  return S(0.5) * z * (S(1) + std::tanh(c * (z + S(kGeluTanhCubic) * z * z * z)));
}

// d GeluTanh / dz.
template <class S>
S GeluTanhDerivative(S z) {
  const S c = S(kGeluTanhScale), a = S(kGeluTanhCubic);
  const S th = std::tanh(c * (z + a * z * z * z));
  return S(0.5) * (S(1) + th) + S(0.5) * z * (S(1) - th * th) * c * (S(1) + S(3) * a * z * z);
}

// SwiGLU backward of one row with routing weight w and upstream z
// (dh = w z): du = dh silu(g), dg = dh u silu'(g) with
// silu'(g) = sig (1 + g (1 - sig)); returns <h, z> summed in double.
template <class S>
double SwiGluBackwardRow(const S* g, const S* u, const S* z, const S* h, S w, int64_t n, S* dg,
                         S* du) {
  double dot = 0;
  for (int64_t j = 0; j < n; ++j) {
    dot += static_cast<double>(h[j]) * z[j];
    const S sig = Sigmoid(g[j]);
    const S dh = w * z[j];
    du[j] = dh * g[j] * sig;
    dg[j] = dh * u[j] * sig * (S(1) + g[j] * (S(1) - sig));
  }
  return dot;
}

// The terms of a stable log-sum-exp over n values: max and
// sum_j e^{z_j - max}, in double.
struct LogSumExpTerms {
  double max = 0;
  double sum = 0;
  double Value() const { return max + std::log(sum); }
  // softmax_j = e^{z_j - max} / sum.
  double Softmax(double z) const { return std::exp(z - max) / sum; }
};

template <class T>
LogSumExpTerms LogSumExp(const T* z, int64_t n) {
  LogSumExpTerms terms;
  terms.max = *std::max_element(z, z + n);
  for (int64_t j = 0; j < n; ++j) terms.sum += std::exp(static_cast<double>(z[j]) - terms.max);
  return terms;
}

}  // namespace expertlab::moe
