// MoeLayer::Backward as named steps: down-projection, activation, router
// and weight-gradient GEMMs, slot combine (see layer.h for the formulas).
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "algorithms/moe/layer.h"
#include "algorithms/moe/numeric_checks.h"
#include "algorithms/moe/scalar_math.h"
#include "sim/check.h"

namespace expertlab::moe {

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
  EXPERTLAB_CHECK(aux.z == 0 || config_.gate_rank == 0)
      << "moe: z (the router z-loss weight) must be 0 with factorised gates (gate_rank > 0): "
         "their router has no per-expert logits";
  // Reuse the caller's buffers when they fit (the GEMMs overwrite every
  // expert that received rows; WeightGradientGemms zeroes the others).
  if (!grads->MatchesShapes(config_)) *grads = MoeWeights<S>::Zeros(config_);
  if (T == 0) {
    for (auto* block : grads->Blocks()) std::fill(block->begin(), block->end(), S(0));
    return;
  }
  if (router_->MergeGroup() > 0) {
    MergedBackward(dy, state, dx, grads, aux);
  } else {
    DownProjectionBackward(dy, state);
    ActivationBackward(dy, state);
    SlotWeightGradients(state);
    RouterBackward(state, aux);
    if (config_.gate_rank > 0) GateCacheBackward(state);
    WeightGradientGemms(state, dx, grads);
    CombineSlotGradients(state, dx);
  }
  if (!router_->LearnsRouterWeights()) std::fill(grads->router.begin(), grads->router.end(), S(0));
}

// z[r] = dy[token(r)] W_d^T per sorted row, unweighted: it gives both the
// routing-weight gradient <h, z> and dh = w z.
template <class S>
void MoeLayer<S>::DownProjectionBackward(const S* dy, const MoeState<S>& state) {
  const int64_t d = config_.d_model, G = config_.groups();
  const Dispatch& dispatch = state.dispatch;
  grad_scratch_.resize(state.hidden_offset[G]);
  problems_.clear();
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g), f = config_.Width(g);
    if (count == 0) continue;
    problems_.push_back(PackedGemm<S>(count, f, d, {dy, d, dispatch.token.data() + off},
                                      &down_t_panels_[g],
                                      {grad_scratch_.data() + state.hidden_offset[g], f, nullptr}));
  }
  RunGemms(problems_, Engine());
}

// Row-wise: the routing-weight gradient <h, z>, the activation backward
// into [dG dU] (SiLU recomputed from the stored pre-activation) and the
// weighted upstream rows w dy for dW_d.
template <class S>
void MoeLayer<S>::ActivationBackward(const S* dy, const MoeState<S>& state) {
  const int64_t d = config_.d_model, G = config_.groups();
  const Dispatch& dispatch = state.dispatch;
  const int64_t rows = dispatch.rows();
  const bool swiglu = config_.activation == Activation::kSwiGlu;
  const int64_t gu = swiglu ? 2 : 1;  // dG (and dU) per hidden value
  dgu_.resize(gu * state.hidden_offset[G]);
  dys_.resize(rows * d);
  d_row_weight_.resize(rows);
  // Float SwiGLU rows use the active kernels (SIMD where available).
  const bool fast = std::is_same_v<S, float> && swiglu;
  const FloatKernels& fk = ActiveFloatKernels(Engine());
  const int64_t* offset = dispatch.offset.data();
#pragma omp parallel for schedule(static) \
    num_threads(config_.threads) if (state.hidden_offset[G] > 65536)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t g = std::upper_bound(offset, offset + G + 1, r) - offset - 1;
    const int64_t f = config_.Width(g), at = state.hidden_offset[g] + (r - offset[g]) * f;
    const S* z = grad_scratch_.data() + at;
    const S* h = state.hidden.data() + at;
    const S* pg = state.pre_g.data() + at;
    const S w = state.sorted_weight[r];
    S* dg = dgu_.data() + gu * at;
    if (fast) {
      if constexpr (std::is_same_v<S, float>)
        d_row_weight_[r] = fk.swiglu_backward(pg, state.pre_u.data() + at, z, h, w, f, dg, dg + f);
    } else if (swiglu) {
      d_row_weight_[r] = SwiGluBackwardRow(pg, state.pre_u.data() + at, z, h, w, f, dg, dg + f);
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

// dL/d combine weight [T x routed slots] from the kept rows' <h, z>.
template <class S>
void MoeLayer<S>::SlotWeightGradients(const MoeState<S>& state) {
  const int64_t T = state.tokens, slots = state.slots, routed = state.routing.slots;
  d_weight_.assign(T * routed, 0.0);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s < routed; ++s) {
      const int32_t r = state.dispatch.row_of_slot[t * slots + s];
      if (r >= 0) d_weight_[t * routed + s] = d_row_weight_[r];
    }
}

// d logits [T x RouterColumns()] from d_weight_: the routing-weight gradients of the routed slots
// through the router's own backward, plus the balance loss (through the
// router probabilities) and the z-loss (directly) with the weights `aux`,
// plus the router's own auxiliary loss (weighted by the router).
template <class S>
void MoeLayer<S>::RouterBackward(const MoeState<S>& state, const AuxLossWeights& aux) {
  const int64_t T = state.tokens, E = config_.experts, routed = state.routing.slots,
                cols = config_.RouterColumns();
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
  d_logits_.assign(T * cols, 0.0);
  const RouterContext context = Context(T, true, nullptr);
  router_->Backward(context, state.logits.data(), state.routing, d_weight_.data(),
                    aux.balance != 0 ? d_probs_.data() : nullptr, d_logits_.data());
  router_->AuxiliaryLoss(context, state.logits.data(), state.routing, d_logits_.data());
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

// Factorised gates: the selected experts' gate pre-activations continued
// from the caches, pre_g = c_e B_e, so dL/dc_e gains dG B_e^T on top of
// the router's score gradient (Autonomy-of-Experts). Every (token,
// expert) pair has at most one row, so the GEMMs write disjoint blocks.
template <class S>
void MoeLayer<S>::GateCacheBackward(const MoeState<S>& state) {
  const int64_t r = config_.gate_rank, cols = config_.RouterColumns();
  const Dispatch& dispatch = state.dispatch;
  dcache_.assign(state.tokens * cols, S(0));
  problems_.clear();
  for (int64_t g = 0; g < config_.groups(); ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g), f = config_.Width(g);
    if (count == 0) continue;
    problems_.push_back(PackedGemm<S>(
        count, r, f, {dgu_.data() + 2 * state.hidden_offset[g], 2 * f, nullptr}, &gate_t_panels_[g],
        {dcache_.data() + g * r, cols, dispatch.token.data() + off}));
  }
  RunGemms(problems_, Engine());
  for (size_t i = 0; i < dcache_.size(); ++i) dlogits_s_[i] += dcache_[i];
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
  const int64_t d = config_.d_model, G = config_.groups(), cols = config_.RouterColumns(),
                r = config_.gate_rank;
  const S* x = state.x;
  const Dispatch& dispatch = state.dispatch;
  const bool swiglu = config_.activation == Activation::kSwiGlu;
  dxs_.resize(dispatch.rows() * d);
  problems_.clear();
  const int64_t expert_grad_bytes =
      static_cast<int64_t>(grads->w_gate.size() + grads->w_up.size() + grads->w_down.size()) *
      static_cast<int64_t>(sizeof(S));
  const bool stream_grads = expert_grad_bytes > kStreamGradientBytes;
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g), f = config_.Width(g);
    const int64_t ldgu = swiglu ? 2 * f : f, h = state.hidden_offset[g];
    const int32_t* tokens = dispatch.token.data() + off;
    if (count == 0) {
      std::fill_n(grads->Gate(g), config_.GateRows() * f, S(0));
      if (swiglu) std::fill_n(grads->Up(g), d * f, S(0));
      std::fill_n(grads->Down(g), f * d, S(0));
      continue;
    }
    // dW_d = H^T (w dy)
    GemmProblem<S> wd =
        TransposedGemm<S>(f, d, count, {state.hidden.data() + h, f, nullptr},
                          {dys_.data() + off * d, d, nullptr}, {grads->Down(g), d, nullptr});
    wd.stream_c = stream_grads;
    problems_.push_back(wd);
    // dW_g = X^T dG (dW_1 for ReLU/GELU); factorised: dB_g = C_g^T dG
    const S* dgu = dgu_.data() + (swiglu ? 2 : 1) * h;
    const RowSource<S> gate_in = r > 0 ? RowSource<S>{state.gate_cache.data() + g * r, cols, tokens}
                                       : RowSource<S>{x, d, tokens};
    GemmProblem<S> wg = TransposedGemm<S>(config_.GateRows(), f, count, gate_in,
                                          {dgu, ldgu, nullptr}, {grads->Gate(g), f, nullptr});
    wg.stream_c = stream_grads;
    problems_.push_back(wg);
    if (swiglu) {
      GemmProblem<S> wu = TransposedGemm<S>(d, f, count, {x, d, tokens}, {dgu + f, ldgu, nullptr},
                                            {grads->Up(g), f, nullptr});  // dW_u = X^T dU
      wu.stream_c = stream_grads;
      problems_.push_back(wu);
    }
    // dx per slot = [dG dU] [W_g^T; W_u^T]; factorised: dU W_u^T (dG went
    // to the caches)
    const S* dx_from = r > 0 ? dgu + f : dgu;
    problems_.push_back(PackedGemm<S>(count, d, r > 0 ? f : ldgu, {dx_from, ldgu, nullptr},
                                      &up_t_panels_[g], {dxs_.data() + off * d, d, nullptr}));
  }
  AddRouterProducts(state, dx, grads);
  RunGemms(problems_, Engine());
  for (size_t i = 0; i < state.jitter.size(); ++i) dx[i] *= state.jitter[i];
}

template <class S>
void MoeLayer<S>::AddRouterProducts(const MoeState<S>& state, S* dx, MoeWeights<S>* grads) {
  const int64_t T = state.tokens, d = config_.d_model, cols = config_.RouterColumns();
  // dW_r = X^T dZ, with X the router's input (x * u under jitter)
  const S* router_x = state.router_x.empty() ? state.x : state.router_x.data();
  problems_.push_back(TransposedGemm<S>(d, cols, T, {router_x, d, nullptr},
                                        {dlogits_s_.data(), cols, nullptr},
                                        {grads->router.data(), cols, nullptr}));
  // dx = dZ W_r^T (times u under jitter, applied by the caller)
  problems_.push_back(PackedGemm<S>(T, d, cols, {dlogits_s_.data(), cols, nullptr},
                                    &router_t_panels_, {dx, d, nullptr}));
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

template void MoeLayer<float>::Backward(const float*, MoeState<float>&, float*, MoeWeights<float>*,
                                        const AuxLossWeights&);
template void MoeLayer<double>::Backward(const double*, MoeState<double>&, double*,
                                         MoeWeights<double>*, const AuxLossWeights&);

}  // namespace expertlab::moe
