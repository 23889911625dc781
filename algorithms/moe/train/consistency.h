// Consistency regularisation between two forward passes of one batch that
// differ only in their random routing draws, for routers that ask for it
// (Router::ConsistencyWeight; THOR): the models run the batch stacked twice
// (StackTwice), so rows t and T + t are the two passes of example t, and add
// alpha times a symmetric divergence between the two passes' outputs.
//
// Paper: S. Zuo, X. Liu, J. Jiao, Y. J. Kim, H. Hassan, R. Zhang, T. Zhao,
// J. Gao, "Taming Sparsely Activated Transformer with Stochastic Experts",
// ICLR 2022: L = CE(p1) + CE(p2) + alpha * 1/2 [KL(p1 || p2) + KL(p2 || p1)],
// the KL pair computed as 1/2 sum_j (p_j - q_j)(log p_j - log q_j) in the
// authors' release. The models average the two cross-entropies (the paper's
// form), which only rescales alpha.
//
// Cross-entropy outputs (logits a, b; p = softmax(a), q = softmax(b)):
//   loss = alpha mean_t 1/2 sum_j (p_j - q_j)(log p_j - log q_j)
//   d/da_i = alpha / T * 1/2 [p_i (log p_i - log q_i - KL(p || q)) + p_i - q_i]
// Squared-error outputs (predictions a, b), read as the Gaussians N(a, 1/2)
// and N(b, 1/2) whose negative log-likelihood is the squared error up to a
// constant; their symmetric KL is (a - b)^2, so
//   loss = alpha mean over rows and outputs of (a - b)^2.
#pragma once

#include <cstdint>
#include <vector>

namespace expertlab::moe {

// `n` values of `src` twice in a row into `out` (resized); null stays null.
template <class T>
const T* StackTwice(const T* src, int64_t n, std::vector<T>* out) {
  if (src == nullptr) return nullptr;
  out->assign(src, src + n);
  out->insert(out->end(), src, src + n);
  return out->data();
}

// The loss above for logits a, b [rows x cols]; adds its gradient to da,
// db (+=; either may be null).
template <class S>
double SymmetricKlConsistency(const S* a, const S* b, int64_t rows, int64_t cols, double alpha,
                              S* da, S* db);

// The squared-error form for predictions a, b [rows x cols]; adds its
// gradient to da, db (+=; either may be null).
template <class S>
double GaussianConsistency(const S* a, const S* b, int64_t rows, int64_t cols, double alpha, S* da,
                           S* db);

}  // namespace expertlab::moe
