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
  EXPERTLAB_CHECK(router.MergeGroup() == 0 ||
                  (config.capacity_factor == 0 && config.shared_experts == 0 &&
                   config.expert_widths.empty() && config.gate_rank == 0 &&
                   config.activation == Activation::kSwiGlu))
      << "router: a router that merges the experts (SMEAR) needs SwiGLU experts of one width, "
         "no shared experts, no factorised gates and capacity_factor = 0";
  EXPERTLAB_CHECK(router.GateRank() == config.gate_rank)
      << "gate_rank: the router scores factorised gates of rank " << router.GateRank()
      << " (0 = none) but the layer has gate_rank = " << config.gate_rank
      << "; build the layer from the router's LayerShape";
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
  const int64_t d = config_.d_model, cols = config_.RouterColumns(), G = config_.groups();
  PackPanels(weights_.router.data(), d, cols, cols, false, &router_panels_);
  up_panels_.resize(G);
  gate_panels_.resize(config_.gate_rank > 0 ? G : 0);
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
  if (config_.gate_rank > 0) {  // B_g (K = r) and W_u (K = d) run as two GEMMs
    PackPanels(weights_.Gate(g), config_.gate_rank, f, f, false, &gate_panels_[g]);
    PackPanels(weights_.Up(g), d, f, f, false, &up_panels_[g]);
  } else if (config_.activation == Activation::kSwiGlu)
    PackSwiGluPanels(weights_.Gate(g), weights_.Up(g), d, f, f, &up_panels_[g]);
  else
    PackPanels(weights_.Gate(g), d, f, f, false, &up_panels_[g]);
  PackPanels(weights_.Down(g), f, d, d, false, &down_panels_[g]);
}

template <class S>
void MoeLayer<S>::PackBackward() {
  const int64_t d = config_.d_model, cols = config_.RouterColumns(), G = config_.groups(),
                r = config_.gate_rank;
  PackPanels(weights_.router.data(), cols, d, cols, true, &router_t_panels_);
  down_t_panels_.resize(G);
  up_t_panels_.resize(G);
  gate_t_panels_.resize(r > 0 ? G : 0);
  const bool swiglu = config_.activation == Activation::kSwiGlu;
#pragma omp parallel for schedule(dynamic, 1) num_threads(config_.threads)
  for (int64_t g = 0; g < G; ++g) {
    const int64_t f = config_.Width(g);
    PackPanels(weights_.Down(g), d, f, d, true, &down_t_panels_[g]);
    if (r > 0) {  // B_g^T and W_u^T apart: dG and dU go to different places
      PackPanels(weights_.Gate(g), f, r, f, true, &gate_t_panels_[g]);
      PackPanels(weights_.Up(g), f, d, f, true, &up_t_panels_[g]);
    } else if (swiglu)
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

// GEMM 1: gathered x rows times gate/up panels, activation in the epilogue,
// hidden rows written compacted in sorted order.
template <class S>
void MoeLayer<S>::FusedGateUp(MoeState<S>* state) {
  const Dispatch& dispatch = state->dispatch;
  const int64_t d = config_.d_model;
  problems_.clear();
  for (int64_t g = 0; g < config_.groups(); ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g), f = config_.Width(g),
                  h = state->hidden_offset[g];
    if (count == 0) continue;
    GemmProblem<S> pr = PackedGemm<S>(count, f, d, {state->x, d, dispatch.token.data() + off},
                                      &up_panels_[g], {state->hidden.data() + h, f, nullptr});
    pr.epilogue = config_.activation == Activation::kSwiGlu ? Epilogue::kSwiGlu
                  : config_.activation == Activation::kRelu ? Epilogue::kRelu
                                                            : Epilogue::kGelu;
    if (state->training) {
      pr.pre_g = {state->pre_g.data() + h, f, nullptr};
      if (config_.activation == Activation::kSwiGlu)
        pr.pre_u = {state->pre_u.data() + h, f, nullptr};
    }
    problems_.push_back(pr);
  }
  RunGemms(problems_, Engine());
}

// GEMM 1 with factorised gates (Autonomy-of-Experts, Eq. 3-4): the gate
// pre-activation continues from the router's cache, c_e B_e (K = r), the
// up projection is x W_u (K = d); then h = silu(pre_g) * pre_u row-wise.
// The pre-activations are kept in every mode (they are this path's
// scratch).
template <class S>
void MoeLayer<S>::FactorisedGateUp(MoeState<S>* state) {
  const Dispatch& dispatch = state->dispatch;
  const int64_t d = config_.d_model, r = config_.gate_rank, cols = config_.RouterColumns();
  const int64_t hidden_values = state->hidden_offset[config_.groups()];
  state->pre_g.resize(hidden_values);
  state->pre_u.resize(hidden_values);
  problems_.clear();
  for (int64_t g = 0; g < config_.groups(); ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g), f = config_.Width(g),
                  h = state->hidden_offset[g];
    if (count == 0) continue;
    const int32_t* tokens = dispatch.token.data() + off;
    problems_.push_back(PackedGemm<S>(count, f, r, {state->gate_cache.data() + g * r, cols, tokens},
                                      &gate_panels_[g], {state->pre_g.data() + h, f, nullptr}));
    problems_.push_back(PackedGemm<S>(count, f, d, {state->x, d, tokens}, &up_panels_[g],
                                      {state->pre_u.data() + h, f, nullptr}));
  }
  RunGemms(problems_, Engine());
  SiluTimesUp(state->pre_g.data(), state->pre_u.data(), hidden_values, state->hidden.data(),
              Engine());
}

template <class S>
void MoeLayer<S>::RunExperts(S* y, MoeState<S>* state) {
  EXPERTLAB_CHECK(state != nullptr) << "moe: RunExperts needs a routed state";
  const int64_t T = state->tokens, d = config_.d_model, G = config_.groups(), slots = state->slots;
  EXPERTLAB_CHECK(T == 0 || y != nullptr) << "moe: null output";
  EXPERTLAB_CHECK(static_cast<int64_t>(state->expert.size()) == T * slots &&
                  static_cast<int64_t>(state->weight.size()) == T * slots)
      << "moe: state's expert/weight arrays are not [tokens x slots]";
  for (int64_t i = 0; i < T * slots; ++i)
    EXPERTLAB_CHECK(state->expert[i] >= -1 && state->expert[i] < G)
        << "moe: slot " << i << " names expert " << state->expert[i] << " of " << G;
  if (!packed_) Pack();
  if (router_->MergeGroup() > 0) {
    RunMergedExperts(y, state);
    return;
  }
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
  if (state->training) {
    state->pre_g.resize(hidden_values);
    state->pre_u.resize(config_.activation == Activation::kSwiGlu ? hidden_values : 0);
  }
  state->slot_out.resize(T * slots * d);

  if (config_.gate_rank > 0)
    FactorisedGateUp(state);
  else
    FusedGateUp(state);

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
