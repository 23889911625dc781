// A small decoder-only transformer whose feed-forward sublayers are sparse
// MoE layers: token embedding + learned positions, pre-RMSNorm blocks of
// causal multi-head self-attention and an MoE FFN (any registered router),
// final RMSNorm, linear head, softmax cross-entropy on next-token
// prediction. The sequence-context counterpart of MoeModel (train.h), which
// treats every token on its own; forward and backward by hand on the
// deterministic MatMul, so training is bit-identical for any thread count.
//
// Papers: A. Vaswani et al., "Attention is all you need", NeurIPS 2017
// (Eq. 1, §3.2: scaled dot-product and multi-head attention, §3.4-3.5:
// embeddings and positions, here learned); B. Zhang, R. Sennrich, "Root
// mean square layer normalization", NeurIPS 2019 (Eq. 4); the MoE layer's
// own papers in layer.h.
//
// For a sequence of tokens x_0..x_{L-1} with next tokens y_0..y_{L-1}:
//   h_0[i]   = E[x_i] + P[i]
//   block b:  a = h + Attn_b(RMSNorm_{g_b}(h))           (attention.h)
//             h <- a + MoE_b(RMSNorm_{m_b}(a))           (layer.h)
//   logits   = RMSNorm_{g_f}(h) W + c
//   loss     = mean over positions of -log softmax(logits_i)[y_i] (positions
//              whose target is kIgnoredTarget left out)
//              plus sum_b (balance weight * balance_b + z weight * z_b
//              + the router's own auxiliary loss), plus the consistency
//              loss of two passes when the router asks for it
// The MoE layer sees the N L positions of a batch as one routing group.
//
// Parameters (SequenceConfig)
//   vocab      >= 2               token ids in [0, vocab)
//   context    >= 1               longest sequence (rows of P)
//   d_model    >= 1               width d
//   heads      >= 1, divides d    attention heads
//   blocks     >= 1               transformer blocks
//   moe                           the MoE layer (d_model set from here)
//   router                        router spec string, e.g. "topk_softmax"
//   aux                           auxiliary-loss weights
//   threads    >= 1               OpenMP threads of every kernel
// Initialisation (fixed draw order): E ~ N(0, 1), P ~ N(0, 1/4), then per
// block W_q, W_k, W_v, W_o ~ N(0, 1/d) and the MoE weights
// (MoeWeights::Random), then W ~ N(0, 1/d); gains 1, head bias 0.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/moe/train.h"
#include "algorithms/moe/train/attention.h"
#include "sim/rng.h"

namespace expertlab::moe {

struct SequenceConfig {
  int64_t vocab = 0;
  int64_t context = 0;
  int64_t d_model = 32;
  int64_t heads = 4;
  int64_t blocks = 1;
  MoeConfig moe;
  std::string router = "topk_softmax";
  AuxLossWeights aux;
  double rms_eps = 1e-6;
  int threads = 1;

  // Throws expertlab::Error naming the first bad field (and the router's
  // own error for a bad router spec or k).
  void Validate() const;
};

// A target that takes no part in the loss (e.g. a prompt's positions): the
// loss is the mean over the other positions.
inline constexpr int32_t kIgnoredTarget = -1;

// `sequences` rows of `length` token ids each (1 <= length <= context) and
// the id that follows each of them (or kIgnoredTarget), both row-major
// [sequences x length].
struct SequenceBatch {
  int64_t sequences = 0;
  int64_t length = 0;
  const int32_t* tokens = nullptr;
  const int32_t* targets = nullptr;
  int64_t positions() const { return sequences * length; }
};

template <class S>
class SequenceModel {
 public:
  // Validates `config`, then draws every parameter from `rng`.
  SequenceModel(const SequenceConfig& config, Rng& rng);

  const SequenceConfig& config() const { return config_; }
  int64_t blocks() const { return static_cast<int64_t>(layers_.size()); }
  MoeLayer<S>& layer(int64_t b) { return *layers_[b]; }
  // Routing and statistics of block b's MoE layer from the last forward.
  const MoeState<S>& state(int64_t b) const { return moe_states_[b]; }

  // Logits [positions x vocab]; keeps what Backward needs. `rng` (may be
  // null) goes to every MoE router, in block order.
  const std::vector<S>& Forward(const SequenceBatch& batch, bool training, Rng* rng = nullptr);
  // Mean cross-entropy (nats per counted position) of the last Forward.
  double Loss(const SequenceBatch& batch) const;
  // Forward + loss + backward: fills the gradients, returns the losses.
  // With a router's consistency pass (Router::ConsistencyWeight alpha > 0)
  // the sequences run twice with independent routing draws: the loss is the
  // mean over both passes and alpha times their symmetric KL
  // (train/consistency.h) joins aux_loss.
  StepResult ComputeGradients(const SequenceBatch& batch, Rng* rng = nullptr);
  // Every parameter block with its gradient, in a fixed order: embedding,
  // positions, then per block the attention gain, W_q, W_k, W_v, W_o, the
  // MoE gain and the MoE weights (router, experts), then the final gain,
  // head W and bias.
  std::vector<ParamRef<S>> Params();
  // Call after changing parameters in place (repacks the MoE weights).
  void ParamsChanged();

 private:
  SequenceConfig config_;
  AttentionConfig attention_config_;
  std::vector<S> embed_, pos_, w_head_, b_head_, g_final_;
  std::vector<std::vector<S>> g_attn_, g_moe_;
  std::vector<AttentionWeights<S>> attn_;
  std::vector<std::unique_ptr<MoeLayer<S>>> layers_;
  // Gradients.
  std::vector<S> d_embed_, d_pos_, dw_head_, db_head_, dg_final_;
  std::vector<std::vector<S>> dg_attn_, dg_moe_;
  std::vector<AttentionWeights<S>> d_attn_;
  std::vector<MoeWeights<S>> d_moe_;
  // Activations of the last forward: per block the stream before the
  // block (h_), after attention (a_), the two norms' outputs and scales.
  std::vector<std::vector<S>> h_, a_, n_attn_, n_moe_, r_attn_, r_moe_;
  std::vector<S> n_final_, r_final_, logits_;
  std::vector<AttentionState<S>> attn_states_;
  std::vector<MoeState<S>> moe_states_;
  // Backward scratch.
  std::vector<S> d_logits_, dn_, dh_, dx_;
  std::vector<int32_t> twice_tokens_, twice_targets_;  // a consistency pass's batch
  int64_t positions_ = 0, length_ = 0;
};

}  // namespace expertlab::moe
