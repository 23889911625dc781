#include "algorithms/moe/train/attention.h"

#include <algorithm>
#include <cmath>

#include "algorithms/moe/train.h"
#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::moe {

void AttentionConfig::Validate() const {
  EXPERTLAB_CHECK(d_model >= 1) << "attention: d_model must be >= 1, got " << d_model;
  EXPERTLAB_CHECK(heads >= 1) << "attention: heads must be >= 1, got " << heads;
  EXPERTLAB_CHECK(d_model % heads == 0)
      << "attention: heads = " << heads << " must divide d_model = " << d_model;
  EXPERTLAB_CHECK(context >= 1) << "attention: context must be >= 1, got " << context;
  EXPERTLAB_CHECK(threads >= 1) << "attention: threads must be >= 1, got " << threads;
}

template <class S>
AttentionWeights<S> AttentionWeights<S>::Zeros(int64_t d) {
  AttentionWeights w;
  w.d = d;
  for (auto* b : w.Blocks()) b->assign(d * d, S(0));
  return w;
}

template <class S>
AttentionWeights<S> AttentionWeights<S>::Random(int64_t d, Rng& rng) {
  AttentionWeights w = Zeros(d);
  const double sd = 1.0 / std::sqrt(static_cast<double>(d));
  for (auto* b : w.Blocks())
    for (auto& v : *b) v = static_cast<S>(Normal(rng, 0.0, sd));
  return w;
}

template <class S>
std::vector<std::vector<S>*> AttentionWeights<S>::Blocks() {
  return {&w_q, &w_k, &w_v, &w_o};
}

namespace {

void CheckAttentionShapes(const AttentionConfig& config, int64_t weights_d, int64_t sequences,
                          int64_t length) {
  EXPERTLAB_CHECK(weights_d == config.d_model)
      << "attention: weights of width " << weights_d << " for d_model " << config.d_model;
  EXPERTLAB_CHECK(sequences >= 0) << "attention: negative sequence count " << sequences;
  EXPERTLAB_CHECK(length >= 1 && length <= config.context)
      << "attention: sequence length " << length << " outside [1, context = " << config.context
      << "]";
}

// Copies columns [0, dh) of rows 0..L-1 (row stride d) into t [dh x L],
// so the loops over positions below run on contiguous memory and
// vectorise without reordering any sum over a head's columns.
template <class S>
void TransposeHeadColumns(const S* m, int64_t L, int64_t d, int64_t dh, S* t) {
  for (int64_t j = 0; j < L; ++j)
    for (int64_t c = 0; c < dh; ++c) t[c * L + j] = m[j * d + c];
}

// One (sequence, head): probabilities and mixed values of rows 0..L-1,
// columns [0, dh) of q/k/v/mixed (row stride d).
template <class S>
void AttentionHeadForward(const S* q, const S* k, const S* v, int64_t L, int64_t d, int64_t dh,
                          double scale, S* probs, S* mixed) {
  std::vector<S> kt(dh * L), score(L);
  TransposeHeadColumns(k, L, d, dh, kt.data());
  for (int64_t i = 0; i < L; ++i) {
    const S* qi = q + i * d;
    std::fill(score.begin(), score.begin() + i + 1, S(0));
    for (int64_t c = 0; c < dh; ++c) {
      const S qc = static_cast<S>(qi[c] * scale);
      const S* kc = kt.data() + c * L;
      for (int64_t j = 0; j <= i; ++j) score[j] += qc * kc[j];
    }
    double max = -INFINITY;
    for (int64_t j = 0; j <= i; ++j) max = std::max(max, double(score[j]));
    double sum = 0;
    S* p = probs + i * L;
    for (int64_t j = 0; j <= i; ++j) {
      const double e = std::exp(double(score[j]) - max);
      p[j] = static_cast<S>(e);
      sum += e;
    }
    const double inv = 1.0 / sum;
    S* o = mixed + i * d;
    std::fill(o, o + dh, S(0));
    for (int64_t j = 0; j <= i; ++j) {
      p[j] = static_cast<S>(double(p[j]) * inv);
      const S pj = p[j];
      const S* vj = v + j * d;
      for (int64_t c = 0; c < dh; ++c) o[c] += pj * vj[c];
    }
    std::fill(p + i + 1, p + L, S(0));
  }
}

// One (sequence, head) of the backward; dq/dk/dv slices start zeroed.
template <class S>
void AttentionHeadBackward(const S* q, const S* k, const S* v, const S* probs, const S* g,
                           int64_t L, int64_t d, int64_t dh, double scale, S* dq, S* dk, S* dv) {
  std::vector<S> vt(dh * L), dp(L);
  TransposeHeadColumns(v, L, d, dh, vt.data());
  for (int64_t i = 0; i < L; ++i) {
    const S* p = probs + i * L;
    const S* gi = g + i * d;
    std::fill(dp.begin(), dp.begin() + i + 1, S(0));
    for (int64_t c = 0; c < dh; ++c) {
      const S gc = gi[c];
      const S* vc = vt.data() + c * L;
      for (int64_t j = 0; j <= i; ++j) dp[j] += gc * vc[j];
    }
    double row = 0;
    for (int64_t j = 0; j <= i; ++j) row += double(dp[j]) * p[j];
    const S* qi = q + i * d;
    S* dqi = dq + i * d;
    for (int64_t j = 0; j <= i; ++j) {
      const S ds = static_cast<S>(p[j] * (double(dp[j]) - row) * scale);
      const S pj = p[j];
      const S* kj = k + j * d;
      S* dkj = dk + j * d;
      S* dvj = dv + j * d;
      for (int64_t c = 0; c < dh; ++c) dqi[c] += ds * kj[c];
      for (int64_t c = 0; c < dh; ++c) dkj[c] += ds * qi[c];
      for (int64_t c = 0; c < dh; ++c) dvj[c] += pj * gi[c];
    }
  }
}

}  // namespace

template <class S>
void AttentionForward(const AttentionConfig& config, const AttentionWeights<S>& w, const S* x,
                      int64_t sequences, int64_t length, S* y, AttentionState<S>* state) {
  CheckAttentionShapes(config, w.d, sequences, length);
  const int64_t N = sequences, L = length, d = config.d_model, H = config.heads;
  const int64_t dh = config.head_dim(), rows = N * L;
  const int threads = config.threads;
  state->x = x;
  state->sequences = N;
  state->length = L;
  state->q.resize(rows * d);
  state->k.resize(rows * d);
  state->v.resize(rows * d);
  state->mixed.resize(rows * d);
  state->probs.resize(N * H * L * L);
  MatMul(x, false, w.w_q.data(), false, rows, d, d, state->q.data(), false, threads);
  MatMul(x, false, w.w_k.data(), false, rows, d, d, state->k.data(), false, threads);
  MatMul(x, false, w.w_v.data(), false, rows, d, d, state->v.data(), false, threads);
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  const int64_t tasks = N * H;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t n = task / H, h = task % H;
    const int64_t off = n * L * d + h * dh;
    AttentionHeadForward(state->q.data() + off, state->k.data() + off, state->v.data() + off, L, d,
                         dh, scale, state->probs.data() + task * L * L,
                         state->mixed.data() + off);
  }
  MatMul(state->mixed.data(), false, w.w_o.data(), false, rows, d, d, y, false, threads);
}

template <class S>
void AttentionBackward(const AttentionConfig& config, const AttentionWeights<S>& w,
                       AttentionState<S>& state, const S* dy, S* dx, AttentionWeights<S>* grads) {
  const int64_t N = state.sequences, L = state.length, d = config.d_model, H = config.heads;
  CheckAttentionShapes(config, w.d, N, L);
  const int64_t dh = config.head_dim(), rows = N * L;
  const int threads = config.threads;
  if (grads->d != d) *grads = AttentionWeights<S>::Zeros(d);
  // Output projection.
  MatMul(state.mixed.data(), true, dy, false, d, d, rows, grads->w_o.data(), false, threads);
  state.d_mixed.resize(rows * d);
  MatMul(dy, false, w.w_o.data(), true, rows, d, d, state.d_mixed.data(), false, threads);
  // Heads.
  state.dq.assign(rows * d, S(0));
  state.dk.assign(rows * d, S(0));
  state.dv.assign(rows * d, S(0));
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  const int64_t tasks = N * H;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t n = task / H, h = task % H;
    const int64_t off = n * L * d + h * dh;
    AttentionHeadBackward(state.q.data() + off, state.k.data() + off, state.v.data() + off,
                          state.probs.data() + task * L * L, state.d_mixed.data() + off, L, d, dh,
                          scale, state.dq.data() + off, state.dk.data() + off,
                          state.dv.data() + off);
  }
  // Input projections.
  MatMul(state.x, true, state.dq.data(), false, d, d, rows, grads->w_q.data(), false, threads);
  MatMul(state.x, true, state.dk.data(), false, d, d, rows, grads->w_k.data(), false, threads);
  MatMul(state.x, true, state.dv.data(), false, d, d, rows, grads->w_v.data(), false, threads);
  MatMul(state.dq.data(), false, w.w_q.data(), true, rows, d, d, dx, false, threads);
  MatMul(state.dk.data(), false, w.w_k.data(), true, rows, d, d, dx, true, threads);
  MatMul(state.dv.data(), false, w.w_v.data(), true, rows, d, d, dx, true, threads);
}

template struct AttentionWeights<float>;
template struct AttentionWeights<double>;
template void AttentionForward<float>(const AttentionConfig&, const AttentionWeights<float>&,
                                      const float*, int64_t, int64_t, float*,
                                      AttentionState<float>*);
template void AttentionForward<double>(const AttentionConfig&, const AttentionWeights<double>&,
                                       const double*, int64_t, int64_t, double*,
                                       AttentionState<double>*);
template void AttentionBackward<float>(const AttentionConfig&, const AttentionWeights<float>&,
                                       AttentionState<float>&, const float*, float*,
                                       AttentionWeights<float>*);
template void AttentionBackward<double>(const AttentionConfig&, const AttentionWeights<double>&,
                                        AttentionState<double>&, const double*, double*,
                                        AttentionWeights<double>*);

}  // namespace expertlab::moe
