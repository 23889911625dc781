// Causal multi-head self-attention over a batch of sequences, forward and
// exact backward, float for speed or double for gradient checks.
//
// Paper: A. Vaswani et al., "Attention is all you need", NeurIPS 2017
// (scaled dot-product attention Eq. 1, multi-head attention §3.2.2, the
// decoder's mask of later positions §3.2.3).
//
// For one sequence x [L x d] (row i = position i), heads h = 0..H-1 of
// width d_h = d / H, columns [h d_h, (h + 1) d_h) of Q, K, V:
//   Q = x W_q,  K = x W_k,  V = x W_v                         (§3.2.2)
//   P_h[i, j] = softmax_{j <= i}( Q_h[i] . K_h[j] / sqrt(d_h) ),
//               0 for j > i (causal mask)                      (Eq. 1)
//   O_h[i]    = sum_{j <= i} P_h[i, j] V_h[j]
//   y = concat_h(O_h) W_o
// Backward, with S = scores and G = dL/dO_h:
//   dP[i, j] = G[i] . V_h[j];  dS[i, j] = P[i, j] (dP[i, j] - sum_l P[i, l] dP[i, l])
//   dQ_h[i] = sum_j dS[i, j] K_h[j] / sqrt(d_h);  dK_h[j] = sum_i dS[i, j] Q_h[i] / sqrt(d_h)
//   dV_h[j] = sum_i P[i, j] G[i]
//   dW_q = x^T dQ (likewise k, v);  dW_o = O^T dy;  dx = dQ W_q^T + dK W_k^T + dV W_v^T
//
// The four d x d projections run on MatMul (train.h, the grouped-GEMM
// engine); the per-head score and mixing loops run one (sequence, head)
// per OpenMP task, each writing its own slice, summing in a fixed order:
// the result does not depend on the thread count.
//
// Parameters (AttentionConfig)
//   d_model   >= 1                 width d
//   heads     >= 1, divides d      H
//   context   >= 1                 longest sequence L accepted
//   threads   >= 1                 OpenMP threads
// Weights (row-major, y = x W): w_q, w_k, w_v, w_o, each [d x d],
// initialised N(0, 1/d).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/rng.h"

namespace expertlab::moe {

struct AttentionConfig {
  int64_t d_model = 0;
  int64_t heads = 1;
  int64_t context = 0;
  int threads = 1;

  int64_t head_dim() const { return heads > 0 ? d_model / heads : 0; }
  // Throws expertlab::Error naming the first bad field.
  void Validate() const;
};

template <class S>
struct AttentionWeights {
  int64_t d = 0;
  std::vector<S> w_q, w_k, w_v, w_o;  // [d x d] each

  static AttentionWeights Zeros(int64_t d);
  // N(0, 1/d) entries, drawn in the order w_q, w_k, w_v, w_o.
  static AttentionWeights Random(int64_t d, Rng& rng);
  // w_q, w_k, w_v, w_o (optimisers, gradient checks).
  std::vector<std::vector<S>*> Blocks();
};

// What Forward keeps for Backward, plus Backward's scratch.
template <class S>
struct AttentionState {
  const S* x = nullptr;  // [N L x d], must outlive the state's use
  int64_t sequences = 0, length = 0;
  std::vector<S> q, k, v;  // [N L x d]
  std::vector<S> probs;    // [N x H x L x L], zero above the diagonal
  std::vector<S> mixed;    // [N L x d] concatenated head outputs (before W_o)
  std::vector<S> d_mixed, dq, dk, dv;  // Backward's scratch
};

// y [N L x d] from x [N L x d]: `sequences` sequences of `length`
// positions each (1 <= length <= context), rows in sequence-major order.
template <class S>
void AttentionForward(const AttentionConfig& config, const AttentionWeights<S>& w, const S* x,
                      int64_t sequences, int64_t length, S* y, AttentionState<S>* state);

// Given dy = dL/dy for the state's forward: dx (overwritten) and grads
// (overwritten, shapes of w).
template <class S>
void AttentionBackward(const AttentionConfig& config, const AttentionWeights<S>& w,
                       AttentionState<S>& state, const S* dy, S* dx, AttentionWeights<S>* grads);

}  // namespace expertlab::moe
