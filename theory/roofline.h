// Roofline quantities of a sparse-MoE layer (SwiGLU experts, W_g, W_u in
// R^{d x f}, W_d in R^{f x d}), for rooflines in experiments and plots.
//
// References: S. Williams, A. Waterman, D. Patterson, "Roofline: an
// insightful visual performance model for multicore architectures", CACM
// 2009 (attainable = min(peak, intensity x bandwidth)). The counts below
// follow from the three d x f matrices of a SwiGLU expert (N. Shazeer, "GLU
// variants improve Transformer", arXiv 2002.05202, 2020): weight bytes
// dominate the traffic, activations are neglected.
#pragma once

#include <cstdint>

namespace expertlab::theory {

// 2 T k 3 d f: three d x f products per (token, slot).
double MoeExpertFlops(int64_t tokens, int64_t top_k, int64_t d, int64_t f);

// Router logits: 2 T d E.
double MoeRouterFlops(int64_t tokens, int64_t d, int64_t experts);

// Expected distinct experts touched by T tokens under uniform routing
// (each token picks k distinct of E): E (1 - (1 - k/E)^T).
double ExpectedExpertsTouched(int64_t experts, int64_t top_k, int64_t tokens);

// Weight bytes read when `touched` experts run: touched 3 d f b.
double MoeWeightBytes(double touched, int64_t d, int64_t f, int bytes_per_weight);

// FLOP per weight byte, 2 m / b with m = T k / touched tokens per touched
// expert (activation traffic neglected: T d values per token against 3 d f
// weights per expert).
double MoeIntensity(int64_t tokens, int64_t top_k, double touched, int bytes_per_weight);

// min(peak, intensity x bandwidth) in GFLOP/s (bandwidth in GB/s).
double RooflineGflops(double intensity, double peak_gflops, double bandwidth_gbs);

// Tokens per expert where the roofline turns compute-bound:
// m* = peak b / (2 bandwidth).
double RidgeTokensPerExpert(double peak_gflops, double bandwidth_gbs, int bytes_per_weight);

}  // namespace expertlab::theory
