// MoeLayer with merged experts (Router::MergeGroup() > 0): SMEAR's soft
// merging of expert parameters.
//
// Paper: M. Muqeeth, H. Liu, C. Raffel, "Soft merging of experts with
// adaptive routing", TMLR 2024. For each group of tokens (an example) with
// merge weights p (the router's distribution), the merged expert
// theta_bar = sum_e p_e theta_e (every tensor: W_g, W_u, W_d) runs on the
// group's tokens: y_t = (silu(x_t W_g_bar) * (x_t W_u_bar)) W_d_bar. Cost:
// the merge, 3 E d f multiply-adds per group, and one dense FFN per token.
//
// Backward: the merged expert's gradients come from the dense FFN
// backward on the group (dW_bar = X^T dG etc.); then
//   dtheta_e += sum_g p_{g,e} dtheta_bar_g,   dp_{g,e} = <theta_e, dtheta_bar_g>,
// and dp goes to the router on the group's first token (Router::
// MergeGroup). Merges and reductions run in a fixed order, so results do
// not depend on the thread count.
#include <omp.h>

#include <algorithm>
#include <type_traits>

#include "algorithms/moe/layer.h"
#include "algorithms/moe/numeric_checks.h"
#include "algorithms/moe/scalar_math.h"
#include "sim/check.h"

namespace expertlab::moe {
namespace {

struct Groups {
  int64_t size = 1, count = 0, tokens = 0;
  int64_t Begin(int64_t g) const { return g * size; }
  int64_t Rows(int64_t g) const { return std::min(size, tokens - g * size); }
};

Groups GroupsOf(int64_t tokens, int64_t size) { return {size, (tokens + size - 1) / size, tokens}; }

}  // namespace

template <class S>
void MoeLayer<S>::RunMergedExperts(S* y, MoeState<S>* state) {
  const int64_t T = state->tokens, d = config_.d_model, f = config_.d_ff, E = config_.experts,
                slots = state->slots, block = d * f;
  const Groups groups = GroupsOf(T, router_->MergeGroup());
  const S* x = state->x;
  // The merge weights: the slots of each group's first token.
  state->merge_weight.assign(groups.count * E, S(0));
  for (int64_t g = 0; g < groups.count; ++g)
    for (int64_t s = 0; s < slots; ++s) {
      const int64_t i = groups.Begin(g) * slots + s;
      if (state->expert[i] >= 0) state->merge_weight[g * E + state->expert[i]] = state->weight[i];
    }
  state->merged.resize(groups.count * 3 * block);
#pragma omp parallel for schedule(static) num_threads(config_.threads) if (groups.count > 1)
  for (int64_t i = 0; i < groups.count * 3; ++i) {
    const int64_t g = i / 3, m = i % 3;
    S* out = state->merged.data() + i * block;
    std::fill_n(out, block, S(0));
    for (int64_t e = 0; e < E; ++e) {
      const S p = state->merge_weight[g * E + e];
      const S* src = weights_.Tensor(e, m);
      if (p != S(0))
        for (int64_t j = 0; j < block; ++j) out[j] += p * src[j];
    }
  }
  state->pre_g.resize(T * f);
  state->pre_u.resize(T * f);
  state->hidden.resize(T * f);
  problems_.clear();
  for (int64_t g = 0; g < groups.count; ++g) {
    const int64_t t0 = groups.Begin(g), n = groups.Rows(g);
    const S* merged = state->merged.data() + g * 3 * block;
    problems_.push_back(RowsGemm<S>(n, f, d, {x + t0 * d, d, nullptr}, {merged, f, nullptr},
                                    {state->pre_g.data() + t0 * f, f, nullptr}));
    problems_.push_back(RowsGemm<S>(n, f, d, {x + t0 * d, d, nullptr}, {merged + block, f, nullptr},
                                    {state->pre_u.data() + t0 * f, f, nullptr}));
  }
  RunGemms(problems_, Engine());
  SiluTimesUp(state->pre_g.data(), state->pre_u.data(), T * f, state->hidden.data(), Engine());
  problems_.clear();
  for (int64_t g = 0; g < groups.count; ++g) {
    const int64_t t0 = groups.Begin(g), n = groups.Rows(g);
    problems_.push_back(RowsGemm<S>(n, d, f, {state->hidden.data() + t0 * f, f, nullptr},
                                    {state->merged.data() + g * 3 * block + 2 * block, d, nullptr},
                                    {y + t0 * d, d, nullptr}));
  }
  RunGemms(problems_, Engine());
  if (ChecksOn(config_)) CheckFinite(y, T * d, "output y");
}

template <class S>
void MoeLayer<S>::MergedBackward(const S* dy, MoeState<S>& state, S* dx, MoeWeights<S>* grads,
                                 const AuxLossWeights& aux) {
  const int64_t T = state.tokens, d = config_.d_model, f = config_.d_ff, E = config_.experts,
                slots = state.slots, routed = state.routing.slots, block = d * f;
  const Groups groups = GroupsOf(T, router_->MergeGroup());
  const S* x = state.x;
  const S* merged = state.merged.data();
  // Per group: W_d_bar^T and [W_g_bar^T; W_u_bar^T], packed once.
  merged_t_panels_.resize(2 * groups.count);
#pragma omp parallel for schedule(static) num_threads(config_.threads) if (groups.count > 1)
  for (int64_t g = 0; g < groups.count; ++g) {
    const S* m = merged + g * 3 * block;
    PackPanels(m + 2 * block, d, f, d, true, &merged_t_panels_[2 * g]);
    PackStackedTransposed(m, m + block, d, f, f, &merged_t_panels_[2 * g + 1]);
  }
  // dH = dY W_d_bar^T, then the SwiGLU backward row by row into [dG dU].
  grad_scratch_.resize(T * f);
  problems_.clear();
  for (int64_t g = 0; g < groups.count; ++g) {
    const int64_t t0 = groups.Begin(g), n = groups.Rows(g);
    problems_.push_back(PackedGemm<S>(n, f, d, {dy + t0 * d, d, nullptr}, &merged_t_panels_[2 * g],
                                      {grad_scratch_.data() + t0 * f, f, nullptr}));
  }
  RunGemms(problems_, Engine());
  dgu_.resize(2 * T * f);
  const FloatKernels& fk = ActiveFloatKernels(Engine());
#pragma omp parallel for schedule(static) num_threads(config_.threads) if (T * f > 65536)
  for (int64_t t = 0; t < T; ++t) {
    const int64_t at = t * f;
    S* dg = dgu_.data() + 2 * at;
    if constexpr (std::is_same_v<S, float>)
      fk.swiglu_backward(state.pre_g.data() + at, state.pre_u.data() + at,
                         grad_scratch_.data() + at, state.hidden.data() + at, 1.0f, f, dg, dg + f);
    else
      SwiGluBackwardRow(state.pre_g.data() + at, state.pre_u.data() + at, grad_scratch_.data() + at,
                        state.hidden.data() + at, S(1), f, dg, dg + f);
  }
  // The merged experts' gradients, [dW_g dW_u dW_d] per group.
  dmerged_.resize(groups.count * 3 * block);
  problems_.clear();
  for (int64_t g = 0; g < groups.count; ++g) {
    const int64_t t0 = groups.Begin(g), n = groups.Rows(g);
    S* out = dmerged_.data() + g * 3 * block;
    const S* dgu = dgu_.data() + 2 * t0 * f;
    problems_.push_back(TransposedGemm<S>(d, f, n, {x + t0 * d, d, nullptr}, {dgu, 2 * f, nullptr},
                                          {out, f, nullptr}));
    problems_.push_back(TransposedGemm<S>(d, f, n, {x + t0 * d, d, nullptr},
                                          {dgu + f, 2 * f, nullptr}, {out + block, f, nullptr}));
    problems_.push_back(TransposedGemm<S>(f, d, n, {state.hidden.data() + t0 * f, f, nullptr},
                                          {dy + t0 * d, d, nullptr},
                                          {out + 2 * block, d, nullptr}));
  }
  RunGemms(problems_, Engine());
  // Through the merge: dtheta_e = sum_g p_{g,e} dtheta_bar_g and
  // dp_{g,e} = <theta_e, dtheta_bar_g>, each in a fixed order.
#pragma omp parallel for schedule(static) num_threads(config_.threads)
  for (int64_t i = 0; i < E * 3; ++i) {
    const int64_t e = i / 3, m = i % 3;
    S* out = grads->Tensor(e, m);
    std::fill_n(out, block, S(0));
    for (int64_t g = 0; g < groups.count; ++g) {
      const S p = state.merge_weight[g * E + e];
      const S* src = dmerged_.data() + (g * 3 + m) * block;
      if (p != S(0))
        for (int64_t j = 0; j < block; ++j) out[j] += p * src[j];
    }
  }
  d_probs_.assign(groups.count * E, 0.0);  // dp per group (scratch)
#pragma omp parallel for schedule(static) num_threads(config_.threads) if (groups.count > 1)
  for (int64_t g = 0; g < groups.count; ++g)
    for (int64_t e = 0; e < E; ++e) {
      double dot = 0;
      for (int64_t m = 0; m < 3; ++m) {
        const S* w = weights_.Tensor(e, m);
        const S* dw = dmerged_.data() + (g * 3 + m) * block;
        for (int64_t j = 0; j < block; ++j) dot += double(w[j]) * double(dw[j]);
      }
      d_probs_[g * E + e] = dot;
    }
  d_weight_.assign(T * routed, 0.0);
  for (int64_t g = 0; g < groups.count; ++g)
    for (int64_t s = 0; s < routed; ++s) {
      const int64_t t0 = groups.Begin(g);
      const int32_t e = state.expert[t0 * slots + s];
      if (e >= 0) d_weight_[t0 * routed + s] = d_probs_[g * E + e];
    }
  RouterBackward(state, aux);
  problems_.clear();
  AddRouterProducts(state, dx, grads);
  RunGemms(problems_, Engine());
  for (size_t i = 0; i < state.jitter.size(); ++i) dx[i] *= state.jitter[i];
  // dx += [dG dU] [W_g_bar^T; W_u_bar^T] per group.
  problems_.clear();
  for (int64_t g = 0; g < groups.count; ++g) {
    const int64_t t0 = groups.Begin(g), n = groups.Rows(g);
    GemmProblem<S> pr = PackedGemm<S>(n, d, 2 * f, {dgu_.data() + 2 * t0 * f, 2 * f, nullptr},
                                      &merged_t_panels_[2 * g + 1], {dx + t0 * d, d, nullptr});
    pr.accumulate = true;
    problems_.push_back(pr);
  }
  RunGemms(problems_, Engine());
}

template void MoeLayer<float>::RunMergedExperts(float*, MoeState<float>*);
template void MoeLayer<double>::RunMergedExperts(double*, MoeState<double>*);
template void MoeLayer<float>::MergedBackward(const float*, MoeState<float>&, float*,
                                              MoeWeights<float>*, const AuxLossWeights&);
template void MoeLayer<double>::MergedBackward(const double*, MoeState<double>&, double*,
                                               MoeWeights<double>*, const AuxLossWeights&);

}  // namespace expertlab::moe
