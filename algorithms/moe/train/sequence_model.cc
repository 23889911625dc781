#include "algorithms/moe/train/sequence_model.h"

#include <algorithm>
#include <cmath>

#include "algorithms/moe/scalar_math.h"
#include "algorithms/moe/train/consistency.h"
#include "algorithms/moe/train/rms_norm.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::moe {

void SequenceConfig::Validate() const {
  EXPERTLAB_CHECK(vocab >= 2) << "sequence model: vocab must be >= 2, got " << vocab;
  EXPERTLAB_CHECK(context >= 1) << "sequence model: context must be >= 1, got " << context;
  EXPERTLAB_CHECK(d_model >= 1) << "sequence model: d_model must be >= 1, got " << d_model;
  EXPERTLAB_CHECK(heads >= 1) << "sequence model: heads must be >= 1, got " << heads;
  EXPERTLAB_CHECK(d_model % heads == 0)
      << "sequence model: heads = " << heads << " must divide d_model = " << d_model;
  EXPERTLAB_CHECK(blocks >= 1) << "sequence model: blocks must be >= 1, got " << blocks;
  EXPERTLAB_CHECK(threads >= 1) << "sequence model: threads must be >= 1, got " << threads;
  EXPERTLAB_CHECK(rms_eps > 0) << "sequence model: rms_eps must be > 0, got " << rms_eps;
  MoeConfig m = moe;
  m.d_model = d_model;
  m.threads = threads;
  m.Validate();
  CheckRouterFitsLayer(router, m);
  // A merge over several positions would route a position on later ones.
  EXPERTLAB_CHECK(Registry<Router>::Instance().Create(router)->MergeGroup() <= 1)
      << "router: a router that merges experts over groups of tokens (SMEAR with group > 1) "
         "would let a causal model's positions see later ones; use group = 1";
}

namespace {

template <class S>
void FillNormalSeq(std::vector<S>& v, Rng& rng, double sd) {
  for (auto& x : v) x = static_cast<S>(Normal(rng, 0.0, sd));
}

int64_t CountedPositions(const int32_t* targets, int64_t T) {
  const int64_t n = T - std::count(targets, targets + T, kIgnoredTarget);
  EXPERTLAB_CHECK(n > 0) << "sequence model: every target of the batch is ignored";
  return n;
}

}  // namespace

template <class S>
SequenceModel<S>::SequenceModel(const SequenceConfig& config, Rng& rng) : config_(config) {
  config.Validate();
  config_.moe.d_model = config.d_model;
  config_.moe.threads = config.threads;
  attention_config_ = {config.d_model, config.heads, config.context, config.threads};
  const int64_t d = config.d_model, V = config.vocab;
  embed_.resize(V * d);
  FillNormalSeq(embed_, rng, 1.0);
  pos_.resize(config.context * d);
  FillNormalSeq(pos_, rng, 0.5);
  for (int64_t b = 0; b < config.blocks; ++b) {
    g_attn_.emplace_back(d, S(1));
    g_moe_.emplace_back(d, S(1));
    dg_attn_.emplace_back(d, S(0));
    dg_moe_.emplace_back(d, S(0));
    attn_.push_back(AttentionWeights<S>::Random(d, rng));
    d_attn_.push_back(AttentionWeights<S>::Zeros(d));
    auto weights = MoeWeights<S>::Random(config_.moe, rng);
    layers_.push_back(std::make_unique<MoeLayer<S>>(
        config_.moe, Registry<Router>::Instance().Create(config.router), std::move(weights)));
    d_moe_.push_back(MoeWeights<S>::Zeros(config_.moe));
  }
  attn_states_.resize(config.blocks);
  moe_states_.resize(config.blocks);
  g_final_.assign(d, S(1));
  w_head_.resize(d * V);
  FillNormalSeq(w_head_, rng, 1.0 / std::sqrt(double(d)));
  b_head_.assign(V, S(0));
  d_embed_.assign(embed_.size(), S(0));
  d_pos_.assign(pos_.size(), S(0));
  dw_head_.assign(w_head_.size(), S(0));
  db_head_.assign(V, S(0));
  dg_final_.assign(d, S(0));
}

template <class S>
const std::vector<S>& SequenceModel<S>::Forward(const SequenceBatch& batch, bool training,
                                                Rng* rng) {
  const int64_t N = batch.sequences, L = batch.length, T = batch.positions();
  const int64_t d = config_.d_model, V = config_.vocab, B = blocks();
  EXPERTLAB_CHECK(N >= 1) << "sequence model: a batch needs >= 1 sequence, got " << N;
  EXPERTLAB_CHECK(L >= 1 && L <= config_.context)
      << "sequence model: sequence length " << L << " outside [1, context = " << config_.context
      << "]";
  EXPERTLAB_CHECK(batch.tokens != nullptr) << "sequence model: batch has no tokens";
  positions_ = T;
  length_ = L;
  h_.resize(B + 1);
  a_.resize(B);
  n_attn_.resize(B);
  n_moe_.resize(B);
  r_attn_.resize(B);
  r_moe_.resize(B);
  for (int64_t b = 0; b <= B; ++b) h_[b].resize(T * d);
  for (int64_t b = 0; b < B; ++b) {
    a_[b].resize(T * d);
    n_attn_[b].resize(T * d);
    n_moe_[b].resize(T * d);
    r_attn_[b].resize(T);
    r_moe_[b].resize(T);
  }
  // Embedding + positions.
  for (int64_t t = 0; t < T; ++t) {
    const int32_t tok = batch.tokens[t];
    EXPERTLAB_CHECK(tok >= 0 && tok < V)
        << "sequence model: token " << tok << " outside vocabulary of " << V;
    const S* e = embed_.data() + int64_t{tok} * d;
    const S* p = pos_.data() + (t % L) * d;
    S* h = h_[0].data() + t * d;
    for (int64_t j = 0; j < d; ++j) h[j] = e[j] + p[j];
  }
  std::vector<S>& y = dx_;  // scratch for sublayer outputs
  y.resize(T * d);
  for (int64_t b = 0; b < B; ++b) {
    RmsNormRowsForward(h_[b].data(), g_attn_[b].data(), T, d, config_.rms_eps, n_attn_[b].data(),
                       r_attn_[b].data());
    AttentionForward(attention_config_, attn_[b], n_attn_[b].data(), N, L, y.data(),
                     &attn_states_[b]);
    for (int64_t i = 0; i < T * d; ++i) a_[b][i] = h_[b][i] + y[i];
    RmsNormRowsForward(a_[b].data(), g_moe_[b].data(), T, d, config_.rms_eps, n_moe_[b].data(),
                       r_moe_[b].data());
    layers_[b]->Forward(n_moe_[b].data(), T, y.data(), &moe_states_[b], training, rng);
    for (int64_t i = 0; i < T * d; ++i) h_[b + 1][i] = a_[b][i] + y[i];
  }
  n_final_.resize(T * d);
  r_final_.resize(T);
  RmsNormRowsForward(h_[B].data(), g_final_.data(), T, d, config_.rms_eps, n_final_.data(),
                     r_final_.data());
  logits_.resize(T * V);
  MatMul(n_final_.data(), false, w_head_.data(), false, T, V, d, logits_.data(), false,
         config_.threads);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t j = 0; j < V; ++j) logits_[t * V + j] += b_head_[j];
  return logits_;
}

template <class S>
double SequenceModel<S>::Loss(const SequenceBatch& batch) const {
  const int64_t T = batch.positions(), V = config_.vocab;
  EXPERTLAB_CHECK(T == positions_ && batch.length == length_)
      << "sequence model: Loss needs the batch of the last Forward";
  EXPERTLAB_CHECK(batch.targets != nullptr) << "sequence model: batch has no targets";
  double total = 0;
  for (int64_t t = 0; t < T; ++t) {
    const S* z = logits_.data() + t * V;
    const int32_t y = batch.targets[t];
    if (y == kIgnoredTarget) continue;
    EXPERTLAB_CHECK(y >= 0 && y < V)
        << "sequence model: target " << y << " outside vocabulary of " << V;
    total += LogSumExp(z, V).Value() - z[y];
  }
  return total / static_cast<double>(CountedPositions(batch.targets, T));
}

template <class S>
StepResult SequenceModel<S>::ComputeGradients(const SequenceBatch& one_pass, Rng* rng) {
  // A router asking for a consistency pass gets the sequences twice in one
  // forward (attention never crosses sequences): positions t and n + t are
  // two passes with independent draws.
  const double alpha = layers_[0]->router().ConsistencyWeight();
  SequenceBatch batch = one_pass;
  if (alpha > 0) {
    const int64_t n = one_pass.positions();
    batch.sequences *= 2;
    batch.tokens = StackTwice(one_pass.tokens, n, &twice_tokens_);
    batch.targets = StackTwice(one_pass.targets, n, &twice_targets_);
  }
  Forward(batch, true, rng);
  StepResult result;
  const int64_t N = batch.sequences, L = batch.length, T = batch.positions();
  const int64_t d = config_.d_model, V = config_.vocab, B = blocks();
  EXPERTLAB_CHECK(batch.targets != nullptr) << "sequence model: batch has no targets";
  for (int64_t b = 0; b < B; ++b)
    result.aux_loss += config_.aux.balance * moe_states_[b].stats.balance_loss +
                       config_.aux.z * moe_states_[b].stats.z_loss +
                       moe_states_[b].stats.router_loss;
  // Loss and d loss / d logits = (softmax - onehot) / n over the n counted
  // positions, one exp per logit; zero at ignored targets.
  d_logits_.resize(T * V);
  const double inv_t = 1.0 / static_cast<double>(CountedPositions(batch.targets, T));
  double total = 0;
  for (int64_t t = 0; t < T; ++t) {
    const S* z = logits_.data() + t * V;
    S* g = d_logits_.data() + t * V;
    const int32_t y = batch.targets[t];
    if (y == kIgnoredTarget) {
      std::fill(g, g + V, S(0));
      continue;
    }
    EXPERTLAB_CHECK(y >= 0 && y < V)
        << "sequence model: target " << y << " outside vocabulary of " << V;
    double max = -INFINITY;
    for (int64_t j = 0; j < V; ++j) max = std::max(max, double(z[j]));
    double sum = 0;
    for (int64_t j = 0; j < V; ++j) {
      const double e = std::exp(double(z[j]) - max);
      g[j] = static_cast<S>(e);
      sum += e;
    }
    total += max + std::log(sum) - double(z[y]);
    const double scale = inv_t / sum;
    for (int64_t j = 0; j < V; ++j) g[j] = static_cast<S>(double(g[j]) * scale);
    g[y] = static_cast<S>(double(g[y]) - inv_t);
  }
  result.loss = total * inv_t;
  if (alpha > 0) {
    const int64_t n = one_pass.positions();
    result.aux_loss += SymmetricKlConsistency(logits_.data(), logits_.data() + n * V, n, V, alpha,
                                              d_logits_.data(), d_logits_.data() + n * V);
  }
  // Head.
  MatMul(n_final_.data(), true, d_logits_.data(), false, d, V, T, dw_head_.data(), false,
         config_.threads);
  std::fill(db_head_.begin(), db_head_.end(), S(0));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t j = 0; j < V; ++j) db_head_[j] += d_logits_[t * V + j];
  dn_.resize(T * d);
  dx_.resize(T * d);
  dh_.assign(T * d, S(0));
  MatMul(d_logits_.data(), false, w_head_.data(), true, T, d, V, dn_.data(), false,
         config_.threads);
  std::fill(dg_final_.begin(), dg_final_.end(), S(0));
  RmsNormRowsBackward(h_[B].data(), g_final_.data(), r_final_.data(), dn_.data(), T, d, dh_.data(),
                      dg_final_.data());
  // Blocks, last to first; dh_ carries dL/dh through both residuals.
  for (int64_t b = B - 1; b >= 0; --b) {
    layers_[b]->Backward(dh_.data(), moe_states_[b], dx_.data(), &d_moe_[b], config_.aux);
    std::fill(dg_moe_[b].begin(), dg_moe_[b].end(), S(0));
    RmsNormRowsBackward(a_[b].data(), g_moe_[b].data(), r_moe_[b].data(), dx_.data(), T, d,
                        dh_.data(), dg_moe_[b].data());
    AttentionBackward(attention_config_, attn_[b], attn_states_[b], dh_.data(), dx_.data(),
                      &d_attn_[b]);
    std::fill(dg_attn_[b].begin(), dg_attn_[b].end(), S(0));
    RmsNormRowsBackward(h_[b].data(), g_attn_[b].data(), r_attn_[b].data(), dx_.data(), T, d,
                        dh_.data(), dg_attn_[b].data());
  }
  // Embedding and positions, summed in position order.
  std::fill(d_embed_.begin(), d_embed_.end(), S(0));
  std::fill(d_pos_.begin(), d_pos_.end(), S(0));
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t i = 0; i < L; ++i) {
      const int64_t t = n * L + i;
      S* e = d_embed_.data() + int64_t{batch.tokens[t]} * d;
      S* p = d_pos_.data() + i * d;
      const S* g = dh_.data() + t * d;
      for (int64_t j = 0; j < d; ++j) {
        e[j] += g[j];
        p[j] += g[j];
      }
    }
  }
  result.grad_norm = GradientNorm(Params());
  return result;
}

template <class S>
std::vector<ParamRef<S>> SequenceModel<S>::Params() {
  std::vector<ParamRef<S>> params;
  auto add = [&](auto& v, auto& g, bool decay) {
    params.push_back({v.data(), g.data(), static_cast<int64_t>(v.size()), decay});
  };
  add(embed_, d_embed_, true);
  add(pos_, d_pos_, true);
  for (int64_t b = 0; b < blocks(); ++b) {
    add(g_attn_[b], dg_attn_[b], false);
    auto av = attn_[b].Blocks();
    auto ag = d_attn_[b].Blocks();
    for (size_t i = 0; i < av.size(); ++i) add(*av[i], *ag[i], true);
    add(g_moe_[b], dg_moe_[b], false);
    auto values = layers_[b]->mutable_weights().Blocks();
    auto grads = d_moe_[b].Blocks();
    for (size_t i = 0; i < values.size(); ++i)
      if (!values[i]->empty()) add(*values[i], *grads[i], true);
  }
  add(g_final_, dg_final_, false);
  add(w_head_, dw_head_, true);
  add(b_head_, db_head_, false);
  return params;
}

template <class S>
void SequenceModel<S>::ParamsChanged() {
  for (auto& layer : layers_) layer->Pack();
}

template class SequenceModel<float>;
template class SequenceModel<double>;

}  // namespace expertlab::moe
