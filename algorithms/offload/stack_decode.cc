#include "algorithms/offload/stack_decode.h"

#include <algorithm>
#include <memory>

#include "algorithms/moe/topk_softmax.h"
#include "sim/check.h"

namespace expertlab::offload {

moe::MoeLayer<float> MakeStackLayer(const moe::MoeConfig& config, moe::MoeWeights<float> weights) {
  return moe::MoeLayer<float>(config, std::make_unique<moe::TopKSoftmax>(false),
                              std::move(weights));
}

moe::MoeLayer<float> MakeRouterLayer(const moe::MoeConfig& config, std::span<const float> router) {
  moe::MoeConfig routing = config;
  routing.d_ff = 1;
  moe::MoeWeights<float> w = moe::MoeWeights<float>::Zeros(routing);
  w.router.assign(router.begin(), router.end());
  return MakeStackLayer(routing, std::move(w));
}

void ApplyExpertViews(std::span<const ExpertView> experts, std::span<const float> weights,
                      std::span<const float> x, std::span<float> y, std::vector<float>* hidden,
                      int threads) {
  std::fill(y.begin(), y.end(), 0.0f);
  for (size_t s = 0; s < experts.size(); ++s)
    ApplyQuantizedExpert(experts[s], x, weights[s], y, hidden, threads);
}

void RouteToken(moe::MoeLayer<float>& layer, const float* h, moe::MoeState<float>* state,
                const Trace* forced, int64_t token, int layer_index) {
  layer.Route(h, 1, state, false, nullptr);
  if (forced == nullptr) return;
  const std::span<const int> ids = forced->At(token, layer_index);
  for (size_t s = 0; s < ids.size(); ++s) {
    state->expert[s] = ids[s];
    state->weight[s] = static_cast<float>(state->routing.probs[static_cast<size_t>(ids[s])]);
  }
}

void AddResidual(std::span<float> h, std::span<const float> y) {
  for (size_t j = 0; j < h.size(); ++j) h[j] += y[j];
}

void CheckForcedTrace(const Trace& forced, int layers, const moe::MoeConfig& config,
                      int64_t tokens) {
  CheckTrace(forced);
  EXPERTLAB_CHECK(forced.layers == layers && forced.experts == config.experts &&
                  forced.top_k == config.top_k)
      << "trace: shape " << forced.layers << " x " << forced.experts << " top-" << forced.top_k
      << " differs from the model's " << layers << " x " << config.experts << " top-"
      << config.top_k;
  EXPERTLAB_CHECK(forced.tokens() == tokens)
      << "trace: " << forced.tokens() << " tokens for " << tokens << " inputs";
}

std::vector<float> DecodeInMemory(const MoeStack& stack, std::span<const float> inputs,
                                  const Trace* forced, WeightFormat format, int group) {
  const int64_t d = stack.config.d_model;
  const int64_t tokens = static_cast<int64_t>(inputs.size()) / d;
  const int layers = static_cast<int>(stack.layers.size());
  if (forced != nullptr) CheckForcedTrace(*forced, layers, stack.config, tokens);
  const bool from_codes = format != WeightFormat::kFp32;
  std::vector<moe::MoeLayer<float>> model;
  std::vector<std::vector<QuantizedExpert>> experts(static_cast<size_t>(layers));
  for (int l = 0; l < layers; ++l) {
    const moe::MoeWeights<float>& w = stack.layers[static_cast<size_t>(l)];
    if (!from_codes) {
      model.push_back(MakeStackLayer(stack.config, w));
      continue;
    }
    model.push_back(MakeRouterLayer(stack.config, w.router));
    for (int64_t e = 0; e < stack.config.experts; ++e)
      experts[static_cast<size_t>(l)].push_back(
          QuantizeExpert(w, e, stack.config.activation, format, group));
  }
  std::vector<float> out(inputs.begin(), inputs.end());
  std::vector<float> y(static_cast<size_t>(d)), hidden;
  std::vector<ExpertView> views;
  moe::MoeState<float> state;
  for (int64_t t = 0; t < tokens; ++t) {
    const std::span<float> h(out.data() + t * d, static_cast<size_t>(d));
    for (int l = 0; l < layers; ++l) {
      RouteToken(model[static_cast<size_t>(l)], h.data(), &state, forced, t, l);
      if (from_codes) {
        views.clear();
        for (int64_t s = 0; s < state.slots; ++s)
          views.push_back(
              experts[static_cast<size_t>(l)][static_cast<size_t>(state.expert[s])].View());
        ApplyExpertViews(views, state.weight, h, y, &hidden, 1);
      } else {
        model[static_cast<size_t>(l)].RunExperts(y.data(), &state);
      }
      AddResidual(h, y);
    }
  }
  return out;
}

}  // namespace expertlab::offload
