#include "algorithms/moe/train.h"

#include <algorithm>
#include <cmath>

#include "algorithms/moe/scalar_math.h"
#include "algorithms/moe/train/consistency.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::moe {

template <class S>
void MatMul(const S* a, bool trans_a, const S* b, bool trans_b, int64_t m, int64_t n, int64_t k,
            S* c, bool accumulate, int threads) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) std::fill(c, c + m * n, S(0));
    return;
  }
  GemmProblem<S> pr;
  pr.m = m;
  pr.n = n;
  pr.k = k;
  pr.a = trans_a ? RowSource<S>{a, m, nullptr} : RowSource<S>{a, k, nullptr};
  pr.a_transposed = trans_a;
  PackedPanels<S> packed;
  if (trans_b) {
    PackPanels(b, k, n, k, true, &packed);
    pr.b_packed = &packed;
  } else {
    pr.b_rows = {b, n, nullptr};
  }
  pr.c = {c, n, nullptr};
  pr.accumulate = accumulate;
  RunGemms<S>({pr}, {threads, true});
}

namespace {

// n = h r g with r = 1 / sqrt(mean(h^2) + eps), row by row.
template <class S>
void RmsNormForward(const S* h, const S* g, int64_t T, int64_t d, double eps, S* n, S* inv_rms) {
  for (int64_t t = 0; t < T; ++t) {
    double ss = 0;
    for (int64_t j = 0; j < d; ++j) ss += static_cast<double>(h[t * d + j]) * h[t * d + j];
    const S r = static_cast<S>(1.0 / std::sqrt(ss / static_cast<double>(d) + eps));
    inv_rms[t] = r;
    for (int64_t j = 0; j < d; ++j) n[t * d + j] = h[t * d + j] * r * g[j];
  }
}

// dh += r g dn - h r^3 <g dn, h> / d;  dg += sum_t dn h r.
template <class S>
void RmsNormBackward(const S* h, const S* g, const S* inv_rms, const S* dn, int64_t T, int64_t d,
                     S* dh, S* dg) {
  for (int64_t t = 0; t < T; ++t) {
    const S r = inv_rms[t];
    double dot = 0;
    for (int64_t j = 0; j < d; ++j) dot += static_cast<double>(g[j]) * dn[t * d + j] * h[t * d + j];
    const S coef = static_cast<S>(dot / static_cast<double>(d)) * r * r * r;
    for (int64_t j = 0; j < d; ++j) {
      dh[t * d + j] += r * g[j] * dn[t * d + j] - h[t * d + j] * coef;
      dg[j] += dn[t * d + j] * h[t * d + j] * r;
    }
  }
}

template <class S>
void FillNormal(std::vector<S>& v, Rng& rng, double sd) {
  for (auto& x : v) x = static_cast<S>(Normal(rng, 0.0, sd));
}

}  // namespace

template <class S>
MoeModel<S>::MoeModel(const ModelConfig& config, Rng& rng) : config_(config) {
  EXPERTLAB_CHECK((config.vocab > 0) != (config.input_dim > 0))
      << "moe model: set exactly one of vocab (token inputs) and input_dim "
         "(features); got vocab="
      << config.vocab << ", input_dim=" << config.input_dim;
  EXPERTLAB_CHECK(config.d_model >= 1 && config.blocks >= 1 && config.out_dim >= 1)
      << "moe model: d_model, blocks and out_dim must be >= 1";
  EXPERTLAB_CHECK(config.loss != LossKind::kCrossEntropy || config.out_dim >= 2)
      << "moe model: cross-entropy needs out_dim >= 2 classes";
  config_.moe.d_model = config.d_model;
  config_.moe.threads = config.threads;
  const int64_t d = config.d_model;
  in_rows_ = config.vocab > 0 ? config.vocab : config.input_dim;
  w_in_.resize(in_rows_ * d);
  FillNormal(w_in_, rng, config.vocab > 0 ? 1.0 : 1.0 / std::sqrt(double(in_rows_)));
  b_in_.assign(config.vocab > 0 ? 0 : d, S(0));
  for (int64_t b = 0; b < config.blocks; ++b) {
    gains_.emplace_back(d, S(1));
    auto weights = MoeWeights<S>::Random(config_.moe, rng);
    layers_.push_back(std::make_unique<MoeLayer<S>>(
        config_.moe, Registry<Router>::Instance().Create(config.router), std::move(weights)));
    dmoe_.push_back(MoeWeights<S>::Zeros(config_.moe));
    dgains_.emplace_back(d, S(0));
  }
  states_.resize(config.blocks);
  g_final_.assign(d, S(1));
  w_out_.resize(d * config.out_dim);
  FillNormal(w_out_, rng, 1.0 / std::sqrt(double(d)));
  b_out_.assign(config.out_dim, S(0));
  dw_in_.assign(w_in_.size(), S(0));
  db_in_.assign(b_in_.size(), S(0));
  dw_out_.assign(w_out_.size(), S(0));
  db_out_.assign(b_out_.size(), S(0));
  dg_final_.assign(d, S(0));
}

template <class S>
void MoeModel<S>::InputForward(const Batch<S>& batch, S* h) {
  const int64_t T = batch.size, d = config_.d_model;
  if (config_.vocab > 0) {
    EXPERTLAB_CHECK(batch.tokens != nullptr) << "moe model: batch has no tokens";
    for (int64_t t = 0; t < T; ++t) {
      const int32_t tok = batch.tokens[t];
      EXPERTLAB_CHECK(tok >= 0 && tok < config_.vocab)
          << "moe model: token " << tok << " outside vocabulary of " << config_.vocab;
      std::copy_n(w_in_.data() + int64_t{tok} * d, d, h + t * d);
    }
  } else {
    EXPERTLAB_CHECK(batch.features != nullptr) << "moe model: batch has no features";
    MatMul(batch.features, false, w_in_.data(), false, T, d, in_rows_, h, false, config_.threads);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t j = 0; j < d; ++j) h[t * d + j] += b_in_[j];
  }
}

template <class S>
const std::vector<S>& MoeModel<S>::Forward(const Batch<S>& batch, bool training, Rng* rng) {
  const int64_t T = batch.size, d = config_.d_model, B = blocks();
  batch_size_ = T;
  h_.resize(B + 1);
  normed_.resize(B + 1);
  inv_rms_.resize(B + 1);
  for (int64_t b = 0; b <= B; ++b) {
    h_[b].resize(T * d);
    normed_[b].resize(T * d);
    inv_rms_[b].resize(T);
  }
  InputForward(batch, h_[0].data());
  std::vector<S> y(T * d);
  for (int64_t b = 0; b < B; ++b) {
    RmsNormForward(h_[b].data(), gains_[b].data(), T, d, config_.rms_eps, normed_[b].data(),
                   inv_rms_[b].data());
    layers_[b]->Forward(normed_[b].data(), T, y.data(), &states_[b], training, rng);
    for (int64_t i = 0; i < T * d; ++i) h_[b + 1][i] = h_[b][i] + y[i];
  }
  RmsNormForward(h_[B].data(), g_final_.data(), T, d, config_.rms_eps, normed_[B].data(),
                 inv_rms_[B].data());
  const int64_t o = config_.out_dim;
  out_.resize(T * o);
  MatMul(normed_[B].data(), false, w_out_.data(), false, T, o, d, out_.data(), false,
         config_.threads);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t j = 0; j < o; ++j) out_[t * o + j] += b_out_[j];
  return out_;
}

template <class S>
double MoeModel<S>::Loss(const Batch<S>& batch) const {
  const int64_t T = batch.size, o = config_.out_dim;
  EXPERTLAB_CHECK(T == batch_size_) << "moe model: Loss needs the batch of the last Forward";
  if (T == 0) return 0;
  double total = 0;
  if (config_.loss == LossKind::kCrossEntropy) {
    EXPERTLAB_CHECK(batch.labels != nullptr) << "moe model: batch has no labels";
    for (int64_t t = 0; t < T; ++t) {
      const S* z = out_.data() + t * o;
      const int32_t y = batch.labels[t];
      EXPERTLAB_CHECK(y >= 0 && y < o) << "moe model: label " << y << " outside [0, " << o << ")";
      total += LogSumExp(z, o).Value() - z[y];
    }
    return total / static_cast<double>(T);
  }
  EXPERTLAB_CHECK(batch.targets != nullptr) << "moe model: batch has no targets";
  for (int64_t i = 0; i < T * o; ++i) {
    const double e = double(out_[i]) - batch.targets[i];
    total += e * e;
  }
  return total / static_cast<double>(T * o);
}

template <class S>
Batch<S> MoeModel<S>::StackedTwice(const Batch<S>& batch) {
  const int64_t n = batch.size, o = config_.out_dim;
  return {2 * n, StackTwice(batch.tokens, n, &twice_tokens_),
          StackTwice(batch.features, n * config_.input_dim, &twice_features_),
          StackTwice(batch.labels, n, &twice_labels_),
          StackTwice(batch.targets, n * o, &twice_targets_)};
}

template <class S>
StepResult MoeModel<S>::ComputeGradients(const Batch<S>& one_pass, Rng* rng) {
  // A router asking for a consistency pass gets the batch twice in one
  // forward: rows t and n + t are two passes with independent draws.
  const double alpha = layers_[0]->router().ConsistencyWeight();
  const Batch<S> batch = alpha > 0 ? StackedTwice(one_pass) : one_pass;
  Forward(batch, true, rng);
  StepResult result;
  result.loss = Loss(batch);
  const int64_t T = batch.size, d = config_.d_model, o = config_.out_dim, B = blocks();
  for (int64_t b = 0; b < B; ++b)
    result.aux_loss += config_.aux.balance * states_[b].stats.balance_loss +
                       config_.aux.z * states_[b].stats.z_loss + states_[b].stats.router_loss;
  // d loss / d out.
  std::vector<S> dout(T * o);
  if (config_.loss == LossKind::kCrossEntropy) {
    for (int64_t t = 0; t < T; ++t) {
      const S* z = out_.data() + t * o;
      const LogSumExpTerms lse = LogSumExp(z, o);
      for (int64_t j = 0; j < o; ++j)
        dout[t * o + j] =
            static_cast<S>((lse.Softmax(double(z[j])) - (j == batch.labels[t] ? 1.0 : 0.0)) /
                           static_cast<double>(T));
    }
  } else {
    for (int64_t i = 0; i < T * o; ++i)
      dout[i] =
          static_cast<S>(2.0 * (double(out_[i]) - batch.targets[i]) / static_cast<double>(T * o));
  }
  if (alpha > 0) {
    const int64_t n = one_pass.size;
    const auto consistency = config_.loss == LossKind::kCrossEntropy ? SymmetricKlConsistency<S>
                                                                     : GaussianConsistency<S>;
    result.aux_loss += consistency(out_.data(), out_.data() + n * o, n, o, alpha, dout.data(),
                                   dout.data() + n * o);
  }
  // Head.
  MatMul(normed_[B].data(), true, dout.data(), false, d, o, T, dw_out_.data(), false,
         config_.threads);
  std::fill(db_out_.begin(), db_out_.end(), S(0));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t j = 0; j < o; ++j) db_out_[j] += dout[t * o + j];
  std::vector<S> dn(T * d), dh(T * d, S(0)), dx(T * d);
  MatMul(dout.data(), false, w_out_.data(), true, T, d, o, dn.data(), false, config_.threads);
  std::fill(dg_final_.begin(), dg_final_.end(), S(0));
  RmsNormBackward(h_[B].data(), g_final_.data(), inv_rms_[B].data(), dn.data(), T, d, dh.data(),
                  dg_final_.data());
  // Blocks, last to first: dh flows through the residual and the MoE path.
  for (int64_t b = B - 1; b >= 0; --b) {
    layers_[b]->Backward(dh.data(), states_[b], dx.data(), &dmoe_[b], config_.aux);
    std::fill(dgains_[b].begin(), dgains_[b].end(), S(0));
    RmsNormBackward(h_[b].data(), gains_[b].data(), inv_rms_[b].data(), dx.data(), T, d, dh.data(),
                    dgains_[b].data());
  }
  // Input.
  if (config_.vocab > 0) {
    std::fill(dw_in_.begin(), dw_in_.end(), S(0));
    for (int64_t t = 0; t < T; ++t) {
      S* row = dw_in_.data() + int64_t{batch.tokens[t]} * d;
      for (int64_t j = 0; j < d; ++j) row[j] += dh[t * d + j];
    }
  } else {
    MatMul(batch.features, true, dh.data(), false, in_rows_, d, T, dw_in_.data(), false,
           config_.threads);
    std::fill(db_in_.begin(), db_in_.end(), S(0));
    for (int64_t t = 0; t < T; ++t)
      for (int64_t j = 0; j < d; ++j) db_in_[j] += dh[t * d + j];
  }
  result.grad_norm = GradientNorm(Params());
  return result;
}

template <class S>
std::vector<ParamRef<S>> MoeModel<S>::Params() {
  std::vector<ParamRef<S>> params;
  auto add = [&](auto& v, auto& g, bool decay) {
    if (!v.empty()) params.push_back({v.data(), g.data(), static_cast<int64_t>(v.size()), decay});
  };
  add(w_in_, dw_in_, config_.vocab == 0);
  add(b_in_, db_in_, false);
  for (int64_t b = 0; b < blocks(); ++b) {
    add(gains_[b], dgains_[b], false);
    auto values = layers_[b]->mutable_weights().Blocks();
    auto grads = dmoe_[b].Blocks();
    for (size_t i = 0; i < values.size(); ++i) add(*values[i], *grads[i], true);
  }
  add(g_final_, dg_final_, false);
  add(w_out_, dw_out_, true);
  add(b_out_, db_out_, false);
  return params;
}

template <class S>
void MoeModel<S>::ParamsChanged() {
  for (auto& layer : layers_) layer->Pack();
}

template void MatMul<float>(const float*, bool, const float*, bool, int64_t, int64_t, int64_t,
                            float*, bool, int);
template void MatMul<double>(const double*, bool, const double*, bool, int64_t, int64_t, int64_t,
                             double*, bool, int);
template class MoeModel<float>;
template class MoeModel<double>;

}  // namespace expertlab::moe
