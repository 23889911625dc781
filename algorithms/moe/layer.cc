#include "algorithms/moe/layer.h"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "algorithms/moe/scalar_math.h"
#include "sim/check.h"

namespace expertlab::moe {

namespace {

bool ChecksOn(const MoeConfig& config) {
#ifndef NDEBUG
  (void)config;
  return true;
#else
  return config.check_numerics;
#endif
}

template <class S>
void CheckFinite(const S* v, int64_t n, const char* what) {
  for (int64_t i = 0; i < n; ++i)
    EXPERTLAB_CHECK(std::isfinite(v[i]))
        << "moe: non-finite value " << v[i] << " in " << what << " at flat index " << i;
}

}  // namespace

template <class S>
MoeLayer<S>::MoeLayer(const MoeConfig& config, std::unique_ptr<Router> router)
    : MoeLayer(config, std::move(router), MoeWeights<S>::Zeros(config)) {}

template <class S>
MoeLayer<S>::MoeLayer(const MoeConfig& config, std::unique_ptr<Router> router,
                      MoeWeights<S> weights)
    : config_(config), router_(std::move(router)), weights_(std::move(weights)) {
  config_.Validate();
  EXPERTLAB_CHECK(router_ != nullptr) << "moe: no router";
  router_->Slots(config_.top_k, config_.experts);  // throws on a bad (k, E)
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
  const int64_t d = config_.d_model, f = config_.d_ff;
  if (config_.activation == Activation::kSwiGlu)
    PackSwiGluPanels(weights_.Gate(g), weights_.Up(g), d, f, f, &up_panels_[g]);
  else
    PackPanels(weights_.Gate(g), d, f, f, false, &up_panels_[g]);
  PackPanels(weights_.Down(g), f, d, d, false, &down_panels_[g]);
}

template <class S>
void MoeLayer<S>::PackBackward() {
  const int64_t d = config_.d_model, f = config_.d_ff, E = config_.experts, G = config_.groups();
  PackPanels(weights_.router.data(), E, d, E, true, &router_t_panels_);
  down_t_panels_.resize(G);
  up_t_panels_.resize(G);
  const bool swiglu = config_.activation == Activation::kSwiGlu;
#pragma omp parallel for schedule(dynamic, 1) num_threads(config_.threads)
  for (int64_t g = 0; g < G; ++g) {
    PackPanels(weights_.Down(g), d, f, d, true, &down_t_panels_[g]);
    if (swiglu)
      PackStackedTransposed(weights_.Gate(g), weights_.Up(g), d, f, f, &up_t_panels_[g]);
    else
      PackPanels(weights_.Gate(g), f, d, f, true, &up_t_panels_[g]);
  }
  packed_backward_ = true;
}

template <class S>
void MoeLayer<S>::Route(const S* x, int64_t tokens, MoeState<S>* state, bool training, Rng* rng) {
  EXPERTLAB_CHECK(state != nullptr) << "moe: Forward needs a state";
  EXPERTLAB_CHECK(tokens >= 0) << "moe: negative token count " << tokens;
  EXPERTLAB_CHECK(tokens == 0 || x != nullptr) << "moe: null input";
  if (!packed_) Pack();
  const int64_t T = tokens, E = config_.experts;
  if (ChecksOn(config_)) CheckFinite(x, T * config_.d_model, "input x");
  state->x = x;
  state->tokens = T;
  state->training = training;
  ComputeRouterLogits(state);
  RouterContext context{T, E, config_.top_k, training, rng};
  router_->Route(context, state->logits.data(), &state->routing);
  const Routing& routing = state->routing;
  const int64_t routed = router_->Slots(config_.top_k, E);
  EXPERTLAB_CHECK(routing.tokens == T && routing.slots == routed &&
                  static_cast<int64_t>(routing.expert.size()) == T * routed &&
                  static_cast<int64_t>(routing.probs.size()) == T * E)
      << "moe: router returned a routing of the wrong shape";
  AssignSlotsWithinCapacity(state);
  ComputeAuxiliaryStatistics(state);
}

// Router logits x W_r through the engine (the same tiles as the experts),
// kept in double for the router.
template <class S>
void MoeLayer<S>::ComputeRouterLogits(MoeState<S>* state) {
  const int64_t T = state->tokens, d = config_.d_model, E = config_.experts;
  logits_scratch_.resize(T * E);
  if (T > 0) {
    problems_.clear();
    problems_.push_back(PackedGemm<S>(T, E, d, {state->x, d, nullptr}, &router_panels_,
                                      {logits_scratch_.data(), E, nullptr}));
    RunGemms(problems_, Engine());
  }
  state->logits.assign(logits_scratch_.begin(), logits_scratch_.begin() + T * E);
}

// Kept (expert, weight) per (token, slot): capacity with slot-major priority
// (all first choices before any second choice), tokens in order within a
// slot, as in GShard; shared experts appended with weight 1.
template <class S>
void MoeLayer<S>::AssignSlotsWithinCapacity(MoeState<S>* state) const {
  const Routing& routing = state->routing;
  const int64_t T = state->tokens, E = config_.experts, routed = routing.slots;
  MoeStats& stats = state->stats;
  stats.load.assign(E, 0);
  stats.kept.assign(E, 0);
  stats.dropped = 0;
  stats.capacity = 0;
  if (config_.capacity_factor > 0)
    stats.capacity = static_cast<int64_t>(std::ceil(
        config_.capacity_factor * static_cast<double>(T * config_.top_k) / static_cast<double>(E)));
  const int64_t slots = routed + config_.shared_experts;
  state->slots = slots;
  state->expert.assign(T * slots, -1);
  state->weight.assign(T * slots, S(0));
  for (int64_t s = 0; s < routed; ++s) {
    for (int64_t t = 0; t < T; ++t) {
      const int32_t e = routing.expert[t * routed + s];
      EXPERTLAB_CHECK(e >= -1 && e < E) << "moe: router chose expert " << e << " of " << E;
      if (e < 0) continue;
      ++stats.load[e];
      state->weight[t * slots + s] = static_cast<S>(routing.weight[t * routed + s]);
      if (stats.capacity > 0 && stats.kept[e] >= stats.capacity) {
        ++stats.dropped;
        continue;
      }
      ++stats.kept[e];
      state->expert[t * slots + s] = e;
    }
  }
  for (int64_t t = 0; t < T; ++t)
    for (int64_t j = 0; j < config_.shared_experts; ++j) {
      state->expert[t * slots + routed + j] = static_cast<int32_t>(E + j);
      state->weight[t * slots + routed + j] = S(1);
    }
}

// The auxiliary losses as statistics: the Switch balance E sum_e f_e P_e
// and the ST-MoE z-loss mean_t logsumexp(z_t)^2.
template <class S>
void MoeLayer<S>::ComputeAuxiliaryStatistics(MoeState<S>* state) const {
  const Routing& routing = state->routing;
  const int64_t T = state->tokens, E = config_.experts, routed = routing.slots;
  MoeStats& stats = state->stats;
  stats.balance_loss = 0;
  stats.z_loss = 0;
  if (T == 0) return;
  for (int64_t e = 0; e < E; ++e) {
    double mean_p = 0;
    for (int64_t t = 0; t < T; ++t) mean_p += routing.probs[t * E + e];
    mean_p /= static_cast<double>(T);
    stats.balance_loss +=
        static_cast<double>(stats.load[e]) / static_cast<double>(T * routed) * mean_p;
  }
  stats.balance_loss *= static_cast<double>(E);
  for (int64_t t = 0; t < T; ++t) {
    const double lse = LogSumExp(state->logits.data() + t * E, E).Value();
    stats.z_loss += lse * lse;
  }
  stats.z_loss /= static_cast<double>(T);
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
  const int64_t T = state->tokens, d = config_.d_model, f = config_.d_ff, G = config_.groups(),
                slots = state->slots;
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
  const int64_t rows = dispatch.rows();
  state->hidden.resize(rows * f);
  if (training) {
    state->pre_g.resize(rows * f);
    state->pre_u.resize(config_.activation == Activation::kSwiGlu ? rows * f : 0);
  }
  state->slot_out.resize(T * slots * d);

  // GEMM 1: gathered x rows times gate/up panels, activation in the epilogue,
  // hidden rows written compacted in sorted order.
  problems_.clear();
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g);
    if (count == 0) continue;
    GemmProblem<S> pr = PackedGemm<S>(count, f, d, {x, d, dispatch.token.data() + off},
                                      &up_panels_[g], {state->hidden.data() + off * f, f, nullptr});
    pr.epilogue = config_.activation == Activation::kSwiGlu ? Epilogue::kSwiGlu
                  : config_.activation == Activation::kRelu ? Epilogue::kRelu
                                                            : Epilogue::kGelu;
    if (training) {
      pr.pre_g = {state->pre_g.data() + off * f, f, nullptr};
      if (config_.activation == Activation::kSwiGlu)
        pr.pre_u = {state->pre_u.data() + off * f, f, nullptr};
    }
    problems_.push_back(pr);
  }
  RunGemms(problems_, Engine());

  // GEMM 2: contiguous hidden rows times W_d; the routing weight is applied
  // in the epilogue, which writes each row to its (token, slot) place.
  problems_.clear();
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g);
    if (count == 0) continue;
    GemmProblem<S> pr =
        PackedGemm<S>(count, d, f, {state->hidden.data() + off * f, f, nullptr}, &down_panels_[g],
                      {state->slot_out.data(), d, dispatch.slot.data() + off});
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

template <class S>
void MoeLayer<S>::Backward(const S* dy, MoeState<S>& state, S* dx, MoeWeights<S>* grads,
                           const AuxLossWeights& aux) {
  EXPERTLAB_CHECK(state.training)
      << "moe: Backward needs the state of a Forward with training=true";
  EXPERTLAB_CHECK(grads != nullptr) << "moe: Backward needs a gradient buffer";
  if (!packed_) Pack();
  if (!packed_backward_) PackBackward();
  const int64_t T = state.tokens;
  EXPERTLAB_CHECK(T == 0 || (dy != nullptr && dx != nullptr)) << "moe: null dy or dx";
  if (ChecksOn(config_)) CheckFinite(dy, T * config_.d_model, "output gradient dy");
  // Reuse the caller's buffers when they fit (the GEMMs overwrite every
  // expert that received rows; WeightGradientGemms zeroes the others).
  if (!grads->MatchesShapes(config_)) *grads = MoeWeights<S>::Zeros(config_);
  if (T == 0) {
    for (auto* block : grads->Blocks()) std::fill(block->begin(), block->end(), S(0));
    return;
  }
  DownProjectionBackward(dy, state);
  ActivationBackward(dy, state);
  RouterBackward(state, aux);
  WeightGradientGemms(state, dx, grads);
  CombineSlotGradients(state, dx);
}

// z[r] = dy[token(r)] W_d^T per sorted row, unweighted: it gives both the
// routing-weight gradient <h, z> and dh = w z.
template <class S>
void MoeLayer<S>::DownProjectionBackward(const S* dy, const MoeState<S>& state) {
  const int64_t d = config_.d_model, f = config_.d_ff, G = config_.groups();
  const Dispatch& dispatch = state.dispatch;
  grad_scratch_.resize(dispatch.rows() * f);
  problems_.clear();
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g);
    if (count == 0) continue;
    problems_.push_back(PackedGemm<S>(count, f, d, {dy, d, dispatch.token.data() + off},
                                      &down_t_panels_[g],
                                      {grad_scratch_.data() + off * f, f, nullptr}));
  }
  RunGemms(problems_, Engine());
}

// Row-wise: the routing-weight gradient <h, z>, the activation backward
// into [dG dU] (SiLU recomputed from the stored pre-activation) and the
// weighted upstream rows w dy for dW_d.
template <class S>
void MoeLayer<S>::ActivationBackward(const S* dy, const MoeState<S>& state) {
  const int64_t d = config_.d_model, f = config_.d_ff;
  const Dispatch& dispatch = state.dispatch;
  const int64_t rows = dispatch.rows();
  const bool swiglu = config_.activation == Activation::kSwiGlu;
  const int64_t ldgu = swiglu ? 2 * f : f;
  dgu_.resize(rows * ldgu);
  dys_.resize(rows * d);
  d_row_weight_.resize(rows);
  // Float SwiGLU rows use the active kernels (SIMD where available).
  const bool fast = std::is_same_v<S, float> && swiglu;
  const FloatKernels& fk = ActiveFloatKernels(Engine());
#pragma omp parallel for schedule(static) num_threads(config_.threads) if (rows * f > 65536)
  for (int64_t r = 0; r < rows; ++r) {
    const S* z = grad_scratch_.data() + r * f;
    const S* h = state.hidden.data() + r * f;
    const S* pg = state.pre_g.data() + r * f;
    const S w = state.sorted_weight[r];
    S* dg = dgu_.data() + r * ldgu;
    if (fast) {
      if constexpr (std::is_same_v<S, float>)
        d_row_weight_[r] =
            fk.swiglu_backward(pg, state.pre_u.data() + r * f, z, h, w, f, dg, dg + f);
    } else if (swiglu) {
      d_row_weight_[r] = SwiGluBackwardRow(pg, state.pre_u.data() + r * f, z, h, w, f, dg, dg + f);
    } else {
      double dot = 0;
      for (int64_t j = 0; j < f; ++j) dot += static_cast<double>(h[j]) * z[j];
      d_row_weight_[r] = dot;
      if (config_.activation == Activation::kRelu) {
        for (int64_t j = 0; j < f; ++j) dg[j] = pg[j] > S(0) ? w * z[j] : S(0);
      } else {
        for (int64_t j = 0; j < f; ++j) dg[j] = w * z[j] * GeluTanhDerivative(pg[j]);
      }
    }
    const S* src = dy + static_cast<int64_t>(dispatch.token[r]) * d;
    S* dst = dys_.data() + r * d;
    for (int64_t j = 0; j < d; ++j) dst[j] = w * src[j];
  }
}

// d logits [T x E]: the routing-weight gradients of the routed slots
// through the router's own backward, plus the balance loss (through the
// router probabilities) and the z-loss (directly) with the weights `aux`.
template <class S>
void MoeLayer<S>::RouterBackward(const MoeState<S>& state, const AuxLossWeights& aux) {
  const int64_t T = state.tokens, E = config_.experts, slots = state.slots,
                routed = state.routing.slots;
  const Dispatch& dispatch = state.dispatch;
  d_weight_.assign(T * routed, 0.0);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s < routed; ++s) {
      const int32_t r = dispatch.row_of_slot[t * slots + s];
      if (r >= 0) d_weight_[t * routed + s] = d_row_weight_[r];
    }
  // d balance / d p[t, e] = E f_e / T.
  if (aux.balance != 0) {
    d_probs_.assign(T * E, 0.0);
    for (int64_t e = 0; e < E; ++e) {
      const double g = aux.balance * static_cast<double>(E) *
                       static_cast<double>(state.stats.load[e]) / static_cast<double>(T * routed) /
                       static_cast<double>(T);
      for (int64_t t = 0; t < T; ++t) d_probs_[t * E + e] = g;
    }
  }
  d_logits_.assign(T * E, 0.0);
  RouterContext context{T, E, config_.top_k, true, nullptr};
  router_->Backward(context, state.logits.data(), state.routing, d_weight_.data(),
                    aux.balance != 0 ? d_probs_.data() : nullptr, d_logits_.data());
  // d z-loss / d z[t, e] = (2 / T) lse_t softmax(z_t)_e.
  if (aux.z != 0) {
    for (int64_t t = 0; t < T; ++t) {
      const double* z = state.logits.data() + t * E;
      const LogSumExpTerms terms = LogSumExp(z, E);
      const double lse = terms.Value();
      for (int64_t e = 0; e < E; ++e)
        d_logits_[t * E + e] +=
            aux.z * 2.0 / static_cast<double>(T) * lse * std::exp(z[e] - terms.max) / terms.sum;
    }
  }
  dlogits_s_.assign(d_logits_.begin(), d_logits_.end());
}

// Expert weight gradients larger than this are written around the caches
// (GemmProblem::stream_c): beyond the largest last-level caches (256 MB on
// current server parts) the optimizer re-reads them from DRAM anyway, and
// with 128 rows per expert the gradient stores are a quarter of the
// weight-gradient GEMMs' time when each line is first read for ownership.
constexpr int64_t kStreamGradientBytes = int64_t{256} << 20;

// The weight gradients over each expert's segment, dx per slot and the
// router products, all in one parallel loop of independent tiles; dx
// receives dZ W_r^T (the slots are added by CombineSlotGradients).
template <class S>
void MoeLayer<S>::WeightGradientGemms(const MoeState<S>& state, S* dx, MoeWeights<S>* grads) {
  const int64_t T = state.tokens, d = config_.d_model, f = config_.d_ff, E = config_.experts,
                G = config_.groups();
  const S* x = state.x;
  const Dispatch& dispatch = state.dispatch;
  const bool swiglu = config_.activation == Activation::kSwiGlu;
  const int64_t ldgu = swiglu ? 2 * f : f;
  dxs_.resize(dispatch.rows() * d);
  problems_.clear();
  const int64_t expert_grad_bytes =
      static_cast<int64_t>(grads->w_gate.size() + grads->w_up.size() + grads->w_down.size()) *
      static_cast<int64_t>(sizeof(S));
  const bool stream_grads = expert_grad_bytes > kStreamGradientBytes;
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g);
    if (count == 0) {
      std::fill_n(grads->Gate(g), d * f, S(0));
      if (swiglu) std::fill_n(grads->Up(g), d * f, S(0));
      std::fill_n(grads->Down(g), f * d, S(0));
      continue;
    }
    // dW_d = H^T (w dy)
    GemmProblem<S> wd =
        TransposedGemm<S>(f, d, count, {state.hidden.data() + off * f, f, nullptr},
                          {dys_.data() + off * d, d, nullptr}, {grads->Down(g), d, nullptr});
    wd.stream_c = stream_grads;
    problems_.push_back(wd);
    // dW_g = X^T dG (dW_1 for ReLU/GELU)
    GemmProblem<S> wg =
        TransposedGemm<S>(d, f, count, {x, d, dispatch.token.data() + off},
                          {dgu_.data() + off * ldgu, ldgu, nullptr}, {grads->Gate(g), f, nullptr});
    wg.stream_c = stream_grads;
    problems_.push_back(wg);
    if (swiglu) {
      GemmProblem<S> wu = wg;  // dW_u = X^T dU
      wu.b_rows.base += f;
      wu.c = {grads->Up(g), f, nullptr};
      problems_.push_back(wu);
    }
    // dx per slot = [dG dU] [W_g^T; W_u^T]
    problems_.push_back(PackedGemm<S>(count, d, ldgu, {dgu_.data() + off * ldgu, ldgu, nullptr},
                                      &up_t_panels_[g], {dxs_.data() + off * d, d, nullptr}));
  }
  // dW_r = X^T dZ
  problems_.push_back(TransposedGemm<S>(d, E, T, {x, d, nullptr}, {dlogits_s_.data(), E, nullptr},
                                        {grads->router.data(), E, nullptr}));
  // dx = dZ W_r^T
  problems_.push_back(
      PackedGemm<S>(T, d, E, {dlogits_s_.data(), E, nullptr}, &router_t_panels_, {dx, d, nullptr}));
  RunGemms(problems_, Engine());
}

// dx += each token's slot rows, in slot order (deterministic).
template <class S>
void MoeLayer<S>::CombineSlotGradients(const MoeState<S>& state, S* dx) const {
  const int64_t T = state.tokens, d = config_.d_model, slots = state.slots;
  const int32_t* row_of_slot = state.dispatch.row_of_slot.data();
#pragma omp parallel for schedule(static) num_threads(config_.threads) if (T * d > 65536)
  for (int64_t t = 0; t < T; ++t) {
    S* out = dx + t * d;
    for (int64_t s = 0; s < slots; ++s) {
      const int32_t r = row_of_slot[t * slots + s];
      if (r < 0) continue;
      const S* src = dxs_.data() + static_cast<int64_t>(r) * d;
      for (int64_t j = 0; j < d; ++j) out[j] += src[j];
    }
  }
}

template class MoeLayer<float>;
template class MoeLayer<double>;

}  // namespace expertlab::moe
