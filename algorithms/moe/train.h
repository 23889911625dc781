// A minimal, deterministic training stack around the MoE layer: input
// embedding (token ids) or linear input (features), MoE blocks with
// pre-RMSNorm and residual, final RMSNorm, linear head, softmax
// cross-entropy or mean-squared-error loss; trained by the shared AdamW
// (algorithms/moe/train/adamw.h). Enough to train the small models that
// routing methods are compared on; one example = one token (no sequence
// mixing).
//
// Papers: B. Zhang, R. Sennrich, "Root mean square layer normalization",
// NeurIPS 2019 (Eq. 4).
//
// Block b:  h <- h + MoE_b(RMSNorm_{g_b}(h))
// Head:     out = RMSNorm_{g_f}(h) W_o + b_o
// Loss:     cross-entropy: mean_t -log softmax(out_t)[label_t]
//           mse:           mean over t and outputs of (out - target)^2
//           plus sum_b (balance weight * balance_b + z weight * z_b + the
//           router's own auxiliary loss, Router::AuxiliaryLoss), plus the
//           consistency loss of two passes when the router asks for it
//           (Router::ConsistencyWeight, train/consistency.h)
//
// Parameters (ModelConfig)
//   vocab / input_dim   exactly one > 0: embedding rows or input features
//   d_model, blocks     width and number of MoE blocks (>= 1 each)
//   out_dim             classes (cross-entropy) or regression outputs
//   moe                 the layer config (its d_model is set from here)
//   router              router spec string, e.g. "topk_softmax"
//   aux                 auxiliary-loss weights
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/moe/train/adamw.h"
#include "sim/rng.h"

namespace expertlab::moe {

enum class LossKind { kCrossEntropy, kMse };

struct ModelConfig {
  int64_t vocab = 0;
  int64_t input_dim = 0;
  int64_t d_model = 16;
  int64_t blocks = 1;
  int64_t out_dim = 1;
  MoeConfig moe;
  std::string router = "topk_softmax";
  AuxLossWeights aux;
  LossKind loss = LossKind::kMse;
  double rms_eps = 1e-6;
  int threads = 1;
};

// One mini-batch: `size` examples; tokens or features, labels or targets.
template <class S>
struct Batch {
  int64_t size = 0;
  const int32_t* tokens = nullptr;  // [size]
  const S* features = nullptr;      // [size x input_dim]
  const int32_t* labels = nullptr;  // [size] (cross-entropy)
  const S* targets = nullptr;       // [size x out_dim] (mse)
};

struct StepResult {
  double loss = 0;       // task loss
  double aux_loss = 0;   // weighted auxiliary losses
  double grad_norm = 0;  // before clipping
};

template <class S>
class MoeModel {
 public:
  // Initialises every parameter from `rng` (a fixed draw order).
  MoeModel(const ModelConfig& config, Rng& rng);

  const ModelConfig& config() const { return config_; }
  int64_t blocks() const { return static_cast<int64_t>(layers_.size()); }
  MoeLayer<S>& layer(int64_t b) { return *layers_[b]; }
  // Routing and statistics of block b from the last forward.
  const MoeState<S>& state(int64_t b) const { return states_[b]; }

  // Outputs [size x out_dim] (logits or predictions); keeps what Backward
  // needs when training. `rng` (the cell's stream, may be null) goes to
  // every layer's router, in block order: stochastic routers draw from it.
  const std::vector<S>& Forward(const Batch<S>& batch, bool training, Rng* rng = nullptr);
  // Task loss of the last Forward against the batch's labels/targets.
  double Loss(const Batch<S>& batch) const;
  // Forward + loss + backward: fills the gradients, returns the losses.
  // When the router asks for a consistency pass (Router::ConsistencyWeight
  // alpha > 0), the batch runs twice with independent routing draws, the
  // task loss is the mean of the two passes' and alpha times their
  // consistency loss (train/consistency.h) joins aux_loss.
  StepResult ComputeGradients(const Batch<S>& batch, Rng* rng = nullptr);
  // Every parameter block with its gradient (fixed order).
  std::vector<ParamRef<S>> Params();
  // Call after changing parameters in place (repacks the MoE weights).
  void ParamsChanged();

 private:
  void InputForward(const Batch<S>& batch, S* h);
  // The batch stacked twice (held in the twice_ buffers).
  Batch<S> StackedTwice(const Batch<S>& batch);
  ModelConfig config_;
  int64_t in_rows_ = 0;  // vocab or input_dim
  std::vector<S> w_in_, b_in_, w_out_, b_out_, g_final_;
  std::vector<std::vector<S>> gains_;
  std::vector<std::unique_ptr<MoeLayer<S>>> layers_;
  std::vector<MoeState<S>> states_;
  // Gradients.
  std::vector<S> dw_in_, db_in_, dw_out_, db_out_, dg_final_;
  std::vector<std::vector<S>> dgains_;
  std::vector<MoeWeights<S>> dmoe_;
  // Activations of the last forward.
  std::vector<std::vector<S>> h_;        // [blocks + 1][T x d] residual stream
  std::vector<std::vector<S>> normed_;   // [blocks + 1][T x d] RMSNorm outputs
  std::vector<std::vector<S>> inv_rms_;  // [blocks + 1][T]
  std::vector<S> out_;
  int64_t batch_size_ = 0;
  std::vector<int32_t> twice_tokens_, twice_labels_;
  std::vector<S> twice_features_, twice_targets_;
};

// C (m x n) (+)= op(A) op(B) on the grouped-GEMM engine (deterministic for
// any thread count). op(A) is m x k, op(B) is k x n; row-major, dense.
template <class S>
void MatMul(const S* a, bool trans_a, const S* b, bool trans_b, int64_t m, int64_t n, int64_t k,
            S* c, bool accumulate, int threads);

}  // namespace expertlab::moe
