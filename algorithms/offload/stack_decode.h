// Batch-1 decode through a stack of sparse-MoE layers with residual
// connections, h_{l+1} = h_l + MoE_l(h_l), the model the offloading engine
// (engine.h) serves from disk. Each layer is the in-memory sparse-MoE layer
// (algorithms/moe/layer.h) with a top-k softmax router (un-normalised
// weights, Shazeer et al., ICLR 2017, Eq. 3-5); the engine and the
// in-memory reference below share these steps, so the engine's output can
// be compared with the reference bit for bit.
//
// Forced routing: when a trace is given, token t's experts at layer l are
// the trace's (in its slot order) instead of the router's top-k, each
// weighted by the router's probability for it; so a synthetic or recorded
// trace can be replayed through the real model.
#pragma once

#include <span>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/offload/expert_file.h"
#include "algorithms/offload/quantized_expert.h"
#include "algorithms/offload/trace.h"

namespace expertlab::offload {

// A layer of `config` with `weights` and the top-k softmax router.
moe::MoeLayer<float> MakeStackLayer(const moe::MoeConfig& config, moe::MoeWeights<float> weights);

// A layer that only routes: `config`'s router with weights `router`
// ([d x E]) and experts of width 1 that never run (routing reads the
// router alone), so a model whose experts live elsewhere keeps no memory
// for them.
moe::MoeLayer<float> MakeRouterLayer(const moe::MoeConfig& config, std::span<const float> router);

// y = the sum over one token's slots s, in slot order, of weights[s] *
// experts[s](x), computed from the experts' codes (quantized_expert.h).
void ApplyExpertViews(std::span<const ExpertView> experts, std::span<const float> weights,
                      std::span<const float> x, std::span<float> y, std::vector<float>* hidden,
                      int threads);

// Routes the one token `h` at layer `layer` (forced by `forced`'s token
// `token` when not null) into `state`.
void RouteToken(moe::MoeLayer<float>& layer, const float* h, moe::MoeState<float>* state,
                const Trace* forced, int64_t token, int layer_index);

// h += y over d values.
void AddResidual(std::span<float> h, std::span<const float> y);

// The in-memory reference: every token of `inputs` ([tokens x d]) through
// every layer of `stack`, one token at a time; returns [tokens x d]. In
// fp32 the experts run in the in-memory layer; in another `format` (group:
// quantize.h) each expert is quantised and computed from its codes
// (ApplyExpertViews), as the engine computes an expert file in that format.
std::vector<float> DecodeInMemory(const MoeStack& stack, std::span<const float> inputs,
                                  const Trace* forced, WeightFormat format = WeightFormat::kFp32,
                                  int group = 0);

// Errors naming the trace field unless `forced` fits `layers` layers of
// `config` and `tokens` tokens.
void CheckForcedTrace(const Trace& forced, int layers, const moe::MoeConfig& config,
                      int64_t tokens);

}  // namespace expertlab::offload
