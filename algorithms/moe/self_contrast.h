// Self-contrast decoding of an MoE model (SCMoE).
//
// Paper: C. Shi, C. Yang, X. Zhu et al., "Unchosen experts can contribute
// too: unleashing MoE models' power by self-contrast", NeurIPS 2024. Two
// forward passes of one model give the strong logits z_s (its top-2
// routing) and the weak ones z_w (only the rank-k expert,
// routers/ranked_expert.h); the next token is the argmax of
//   z_sc(i) = (1 + beta) z_s(i) - beta z_w(i)   for i in V_valid,
//   z_sc(i) = -inf                               otherwise,
// V_valid = { i : z_s(i) >= log(alpha) + max_j z_s(j) } (the plausibility
// constraint: only tokens the strong pass finds within a factor alpha of
// its best). beta = 0 is greedy decoding of the strong pass.
#pragma once

#include <cstdint>

namespace expertlab::moe {

// z_sc [vocab] from z_s and z_w [vocab]; alpha in (0, 1], beta >= 0 (an
// Error otherwise).
void SelfContrastLogits(const float* strong, const float* weak, int64_t vocab, double alpha,
                        double beta, float* out);

}  // namespace expertlab::moe
