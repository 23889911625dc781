// One expert of a sparse-MoE layer with its weights in a quantize.h format,
// computed on the decode path (one token) straight from the codes: the
// in-memory form of an offloaded expert that stays quantised, as EdgeMoE
// (Yi et al., IEEE TMC 2025, §III-B) keeps experts at their chosen bit
// width. Same layout as the layer's weights (moe/layer.h): W_gate and W_up
// [d x f], W_down [f x d]; the expert adds
//   y += weight * act(x W_gate [, x W_up]) W_down
// (SwiGLU: silu(x W_gate) * (x W_up); ReLU, GELU: act(x W_gate)), with the
// combine weight folded into the hidden vector before W_down.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/offload/quantize.h"

namespace expertlab::offload {

// An expert's matrices as views of codes held elsewhere (a QuantizedExpert,
// or a blob of the expert file in the offloading engine's cache).
struct ExpertView {
  moe::Activation activation = moe::Activation::kSwiGlu;
  QuantView gate, up, down;  // up unused unless SwiGLU
};

struct QuantizedExpert {
  moe::Activation activation = moe::Activation::kSwiGlu;
  QuantizedMatrix gate, up, down;  // up is empty unless SwiGLU
  // Bytes a decode step reads (codes and scales).
  int64_t Bytes() const { return gate.Bytes() + up.Bytes() + down.Bytes(); }
  ExpertView View() const { return {activation, gate.View(), up.View(), down.View()}; }
};

// Expert g of `weights` in `format` (group: quantize.h).
QuantizedExpert QuantizeExpert(const moe::MoeWeights<float>& weights, int64_t g,
                               moe::Activation activation, WeightFormat format, int group);

// Replaces expert g's weights by their values after a round trip through
// `format` (fake quantisation: what any kernel computing from the codes
// multiplies by) and returns the bytes the format stores for it.
int64_t RoundTripExpert(moe::MoeWeights<float>& weights, int64_t g, WeightFormat format, int group);

// y [d] += weight * expert(x [d]); `hidden` is scratch (resized here);
// `threads` split each matrix's columns (the result does not depend on it).
void ApplyQuantizedExpert(const ExpertView& expert, std::span<const float> x, float weight,
                          std::span<float> y, std::vector<float>* hidden, int threads = 1);
inline void ApplyQuantizedExpert(const QuantizedExpert& expert, std::span<const float> x,
                                 float weight, std::span<float> y, std::vector<float>* hidden,
                                 int threads = 1) {
  ApplyQuantizedExpert(expert.View(), x, weight, y, hidden, threads);
}

}  // namespace expertlab::offload
