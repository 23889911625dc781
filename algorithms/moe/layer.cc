#include "algorithms/moe/layer.h"

#include <omp.h>

#include <utility>

#include "algorithms/moe/numeric_checks.h"
#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

void CheckRouterFitsLayer(const Router& router, const MoeConfig& config) {
  router.Slots(config.top_k, config.experts);  // throws on a bad (k, E)
  EXPERTLAB_CHECK(!router.SetsExpertCapacity() || config.capacity_factor == 0)
      << "capacity_factor: the router fills every expert to its own capacity (expert choice), "
         "so the layer's capacity_factor must be 0 (dropless), got "
      << config.capacity_factor;
}

void CheckRouterFitsLayer(const std::string& router_spec, const MoeConfig& config) {
  CheckRouterFitsLayer(*Registry<Router>::Instance().Create(router_spec), config);
}

MoeConfig LayerShapeFor(const std::string& router_spec, const MoeConfig& keyed) {
  return Registry<Router>::Instance().Create(router_spec)->LayerShape(keyed);
}

template <class S>
MoeLayer<S>::MoeLayer(const MoeConfig& config, std::unique_ptr<Router> router)
    : MoeLayer(config, std::move(router), MoeWeights<S>::Zeros(config)) {}

template <class S>
MoeLayer<S>::MoeLayer(const MoeConfig& config, std::unique_ptr<Router> router,
                      MoeWeights<S> weights)
    : config_(config), router_(std::move(router)), weights_(std::move(weights)) {
  config_.Validate();
  EXPERTLAB_CHECK(router_ != nullptr) << "moe: no router";
  CheckRouterFitsLayer(*router_, config_);
  if (!config_.expert_widths.empty()) {
    double mean = 0;
    for (int64_t f : config_.expert_widths) mean += double(f) / double(config_.experts);
    for (int64_t f : config_.expert_widths) expert_cost_.push_back(double(f) / mean);
  }
  Pack();
}

template <class S>
void MoeLayer<S>::Pack() {
  weights_.CheckShapes(config_);
  if (ChecksOn(config_)) {
    for (auto* block : weights_.Blocks())
      CheckFinite(block->data(), static_cast<int64_t>(block->size()), "weights");
  }
  const int64_t d = config_.d_model, E = config_.experts, G = config_.groups();
  PackPanels(weights_.router.data(), d, E, E, false, &router_panels_);
  up_panels_.resize(G);
  down_panels_.resize(G);
#pragma omp parallel for schedule(dynamic, 1) num_threads(config_.threads)
  for (int64_t g = 0; g < G; ++g) PackForwardPanels(g);
  packed_ = true;
  packed_backward_ = false;
}

template <class S>
void MoeLayer<S>::PackExpert(int64_t g) {
  EXPERTLAB_CHECK(g >= 0 && g < config_.groups())
      << "moe: PackExpert(" << g << ") outside [0, " << config_.groups() << ")";
  if (!packed_) {
    Pack();
    return;
  }
  PackForwardPanels(g);
  packed_backward_ = false;
}

template <class S>
void MoeLayer<S>::PackForwardPanels(int64_t g) {
  const int64_t d = config_.d_model, f = config_.Width(g);
  if (config_.activation == Activation::kSwiGlu)
    PackSwiGluPanels(weights_.Gate(g), weights_.Up(g), d, f, f, &up_panels_[g]);
  else
    PackPanels(weights_.Gate(g), d, f, f, false, &up_panels_[g]);
  PackPanels(weights_.Down(g), f, d, d, false, &down_panels_[g]);
}

template <class S>
void MoeLayer<S>::PackBackward() {
  const int64_t d = config_.d_model, E = config_.experts, G = config_.groups();
  PackPanels(weights_.router.data(), E, d, E, true, &router_t_panels_);
  down_t_panels_.resize(G);
  up_t_panels_.resize(G);
  const bool swiglu = config_.activation == Activation::kSwiGlu;
#pragma omp parallel for schedule(dynamic, 1) num_threads(config_.threads)
  for (int64_t g = 0; g < G; ++g) {
    const int64_t f = config_.Width(g);
    PackPanels(weights_.Down(g), d, f, d, true, &down_t_panels_[g]);
    if (swiglu)
      PackStackedTransposed(weights_.Gate(g), weights_.Up(g), d, f, f, &up_t_panels_[g]);
    else
      PackPanels(weights_.Gate(g), f, d, f, true, &up_t_panels_[g]);
  }
  packed_backward_ = true;
}

template <class S>
void MoeLayer<S>::Forward(const S* x, int64_t tokens, S* y, MoeState<S>* state, bool training,
                          Rng* rng) {
  Route(x, tokens, state, training, rng);
  RunExperts(y, state);
}

template <class S>
void MoeLayer<S>::RunExperts(S* y, MoeState<S>* state) {
  EXPERTLAB_CHECK(state != nullptr) << "moe: RunExperts needs a routed state";
  const S* x = state->x;
  const bool training = state->training;
  const int64_t T = state->tokens, d = config_.d_model, G = config_.groups(), slots = state->slots;
  EXPERTLAB_CHECK(T == 0 || y != nullptr) << "moe: null output";
  EXPERTLAB_CHECK(static_cast<int64_t>(state->expert.size()) == T * slots &&
                  static_cast<int64_t>(state->weight.size()) == T * slots)
      << "moe: state's expert/weight arrays are not [tokens x slots]";
  for (int64_t i = 0; i < T * slots; ++i)
    EXPERTLAB_CHECK(state->expert[i] >= -1 && state->expert[i] < G)
        << "moe: slot " << i << " names expert " << state->expert[i] << " of " << G;
  if (!packed_) Pack();
  // Counting sort of the kept (token, slot) pairs by expert.
  BuildDispatch(state->expert.data(), T, slots, G, &state->dispatch);
  const Dispatch& dispatch = state->dispatch;
  state->sorted_weight.resize(dispatch.rows());
  for (int64_t r = 0; r < dispatch.rows(); ++r)
    state->sorted_weight[r] = state->weight[dispatch.slot[r]];
  std::vector<int64_t>& hidden_offset = state->hidden_offset;
  hidden_offset.assign(G + 1, 0);
  for (int64_t g = 0; g < G; ++g)
    hidden_offset[g + 1] = hidden_offset[g] + dispatch.Count(g) * config_.Width(g);
  const int64_t hidden_values = hidden_offset[G];
  state->hidden.resize(hidden_values);
  if (training) {
    state->pre_g.resize(hidden_values);
    state->pre_u.resize(config_.activation == Activation::kSwiGlu ? hidden_values : 0);
  }
  state->slot_out.resize(T * slots * d);

  // GEMM 1: gathered x rows times gate/up panels, activation in the epilogue,
  // hidden rows written compacted in sorted order.
  problems_.clear();
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g), f = config_.Width(g),
                  h = hidden_offset[g];
    if (count == 0) continue;
    GemmProblem<S> pr = PackedGemm<S>(count, f, d, {x, d, dispatch.token.data() + off},
                                      &up_panels_[g], {state->hidden.data() + h, f, nullptr});
    pr.epilogue = config_.activation == Activation::kSwiGlu ? Epilogue::kSwiGlu
                  : config_.activation == Activation::kRelu ? Epilogue::kRelu
                                                            : Epilogue::kGelu;
    if (training) {
      pr.pre_g = {state->pre_g.data() + h, f, nullptr};
      if (config_.activation == Activation::kSwiGlu)
        pr.pre_u = {state->pre_u.data() + h, f, nullptr};
    }
    problems_.push_back(pr);
  }
  RunGemms(problems_, Engine());

  // GEMM 2: contiguous hidden rows times W_d; the routing weight is applied
  // in the epilogue, which writes each row to its (token, slot) place.
  problems_.clear();
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g), f = config_.Width(g);
    if (count == 0) continue;
    GemmProblem<S> pr =
        PackedGemm<S>(count, d, f, {state->hidden.data() + hidden_offset[g], f, nullptr},
                      &down_panels_[g], {state->slot_out.data(), d, dispatch.slot.data() + off});
    pr.row_scale = state->sorted_weight.data() + off;
    problems_.push_back(pr);
  }
  RunGemms(problems_, Engine());

  // Deterministic k-way combine: each token sums its kept slots in order.
  const int32_t* expert = state->expert.data();
  const S* slot_out = state->slot_out.data();
#pragma omp parallel for schedule(static) num_threads(config_.threads) if (T * d > 65536)
  for (int64_t t = 0; t < T; ++t) {
    S* out = y + t * d;
    bool first = true;
    for (int64_t s = 0; s < slots; ++s) {
      if (expert[t * slots + s] < 0) continue;
      const S* src = slot_out + (t * slots + s) * d;
      if (first) {
        for (int64_t j = 0; j < d; ++j) out[j] = src[j];
        first = false;
      } else {
        for (int64_t j = 0; j < d; ++j) out[j] += src[j];
      }
    }
    if (first)
      for (int64_t j = 0; j < d; ++j) out[j] = S(0);
  }
  if (ChecksOn(config_)) CheckFinite(y, T * d, "output y");
}

template class MoeLayer<float>;
template class MoeLayer<double>;

}  // namespace expertlab::moe
