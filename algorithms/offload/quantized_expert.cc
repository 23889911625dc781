#include "algorithms/offload/quantized_expert.h"

#include <algorithm>

#include "algorithms/moe/scalar_math.h"
#include "sim/check.h"

namespace expertlab::offload {

QuantizedExpert QuantizeExpert(const moe::MoeWeights<float>& weights, int64_t g,
                               moe::Activation activation, WeightFormat format, int group) {
  EXPERTLAB_CHECK(g >= 0 && g < weights.experts)
      << "expert " << g << " is not in [0, " << weights.experts << ")";
  EXPERTLAB_CHECK(weights.swiglu == (activation == moe::Activation::kSwiGlu))
      << "activation " << moe::ActivationName(activation) << " does not match the weights";
  EXPERTLAB_CHECK(weights.gate_rows == weights.d)
      << "quantized expert: factorised gates (gate_rank > 0) are not supported: half of the "
         "gate lives in the router block";
  const auto span = [](const float* p, int64_t n) {
    return std::span<const float>(p, static_cast<size_t>(n));
  };
  const int64_t d = weights.d, f = weights.Width(g);
  QuantizedExpert e;
  e.activation = activation;
  e.gate = Quantize(span(weights.Gate(g), d * f), d, f, format, group);
  if (weights.swiglu) e.up = Quantize(span(weights.Up(g), d * f), d, f, format, group);
  e.down = Quantize(span(weights.Down(g), f * d), f, d, format, group);
  return e;
}

int64_t RoundTripExpert(moe::MoeWeights<float>& weights, int64_t g, WeightFormat format,
                        int group) {
  const moe::Activation activation =
      weights.swiglu ? moe::Activation::kSwiGlu : moe::Activation::kRelu;
  const QuantizedExpert e = QuantizeExpert(weights, g, activation, format, group);
  const int64_t df = weights.d * weights.Width(g);
  Dequantize(e.gate, {weights.Gate(g), static_cast<size_t>(df)});
  if (weights.swiglu) Dequantize(e.up, {weights.Up(g), static_cast<size_t>(df)});
  Dequantize(e.down, {weights.Down(g), static_cast<size_t>(df)});
  return e.Bytes();
}

void ApplyQuantizedExpert(const ExpertView& expert, std::span<const float> x, float weight,
                          std::span<float> y, std::vector<float>* hidden, int threads) {
  const int64_t f = expert.gate.cols;
  const bool swiglu = expert.activation == moe::Activation::kSwiGlu;
  hidden->assign(static_cast<size_t>(swiglu ? 2 * f : f), 0.0f);
  const std::span<float> h(hidden->data(), static_cast<size_t>(f));
  QuantizedVecMat(expert.gate, x, h, threads);
  if (swiglu) {
    const std::span<float> u(hidden->data() + f, static_cast<size_t>(f));
    QuantizedVecMat(expert.up, x, u, threads);
    for (int64_t j = 0; j < f; ++j) h[j] = weight * moe::Silu(h[j]) * u[j];
  } else {
    for (int64_t j = 0; j < f; ++j)
      h[j] = weight * (expert.activation == moe::Activation::kRelu ? std::max(h[j], 0.0f)
                                                                   : moe::GeluTanh(h[j]));
  }
  QuantizedVecMat(expert.down, h, y, threads);
}

}  // namespace expertlab::offload
