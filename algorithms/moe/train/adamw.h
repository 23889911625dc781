// AdamW with global-norm gradient clipping over flat parameter blocks: the
// one optimiser every trained model here shares (the MoE training stack,
// the TARNet family and the MLP base models of the CATE meta-learners).
//
// Papers: D. Kingma, J. Ba, "Adam", ICLR 2015 (Alg. 1, bias correction);
// I. Loshchilov, F. Hutter, "Decoupled weight decay regularization", ICLR
// 2019 (AdamW, Alg. 2); R. Pascanu et al., "On the difficulty of training
// recurrent neural networks", ICML 2013 (clipping by global norm, Alg. 1).
//
// Step t (state m, v kept in double per block whatever the scalar type):
//   g     <- g min(1, clip_norm / ||g||)     global norm over every block;
//                                            clip_norm = 0 turns it off
//   m     <- beta1 m + (1 - beta1) g
//   v     <- beta2 v + (1 - beta2) g^2
//   theta <- theta - lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
//                  - lr weight_decay theta   (blocks marked `decay` only)
#pragma once

#include <cstdint>
#include <vector>

#include "sim/bytes.h"

namespace expertlab::moe {

// A parameter block and its gradient.
template <class S>
struct ParamRef {
  S* value;
  S* grad;
  int64_t size;
  bool decay;  // weight decay applies (matrices, not gains or biases)
};

struct AdamWConfig {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double clip_norm = 1.0;
};

// ||g||_2 over every block (accumulated in double, in block order).
template <class S>
double GradientNorm(const std::vector<ParamRef<S>>& params);

template <class S>
class AdamW {
 public:
  explicit AdamW(const AdamWConfig& config) : config_(config) {}
  // Clips and updates the blocks in place; returns the gradient's global
  // norm before clipping. The blocks' number and sizes must not change
  // between steps.
  double Step(const std::vector<ParamRef<S>>& params);
  int64_t steps() const { return step_; }
  // Checkpoints: the step count and both moments (sim/bytes.h).
  void Save(ByteWriter& out) const;
  void Restore(ByteReader& in);

 private:
  AdamWConfig config_;
  int64_t step_ = 0;
  std::vector<std::vector<double>> m_, v_;
};

}  // namespace expertlab::moe
