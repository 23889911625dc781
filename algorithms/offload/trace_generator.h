// Synthetic expert-activation traces with the four ingredients the
// offloading literature measures on real models: skewed popularity, request
// topics, temporal (token-to-token) reuse and inter-layer correlation.
//
//   - Popularity: each (topic, layer) has Zipf weights w_r ∝ r^-s over a
//     random permutation of the experts (s = 0 is balanced routing).
//   - Topics: a request draws one of G topics uniformly, and its tokens use
//     that topic's popularity (the request-level similarity MoE-Infinity
//     exploits: Xue et al., "MoE-Infinity: Efficient MoE Inference on
//     Personal Machines with Sparsity-Aware Expert Cache", arXiv 2401.14361
//     v3, §4.1-4.4).
//   - Inter-layer transitions: layer l > 0 has a transition matrix whose
//     rows are Dirichlet(alpha) (alpha << 1: sparse, so a token's path is
//     predictable from its previous layer, as EdgeMoE's activation paths:
//     Yi et al., "EdgeMoE: Empowering Sparse Large Language Models on
//     Mobile Devices", IEEE TMC 2025, §II-B, Fig. 4); the sampling weights
//     are (1 - beta) popularity + beta * mean transition row of the
//     experts chosen at layer l - 1.
//   - Sticky reuse: each slot, with probability rho, reuses an expert of
//     the previous token's set at that layer (same request only); otherwise
//     it is drawn from the weights, without replacement within the layer.
//
// Parameters (TraceShape):
//   layers L, experts E, top_k k     model shape
//   requests, tokens                 requests and tokens per request
//   zipf s >= 0                      popularity skew
//   topics G >= 1                    popularity vectors (request topics)
//   rho in [0, 1]                    sticky reuse probability per slot
//   beta in [0, 1], alpha > 0        inter-layer mixing and Dirichlet sparsity
#pragma once

#include <vector>

#include "algorithms/offload/trace.h"
#include "sim/rng.h"

namespace expertlab::offload {

struct TraceShape {
  int layers = 8;
  int experts = 32;
  int top_k = 2;
  int requests = 16;
  int tokens = 64;
  double zipf = 0.8;
  int topics = 4;
  double rho = 0.5;
  double beta = 0.5;
  double alpha = 0.05;
};

// Errors name the field unless every value is in its range.
void CheckTraceShape(const TraceShape& shape);

// The fixed part of the generator (a "model"): popularities and
// transitions. Drawn once, then any number of traces (calibration and
// evaluation) are sampled from it.
struct TraceModel {
  TraceShape shape;
  std::vector<std::vector<double>> popularity;  // [topic * L + layer][expert]
  std::vector<std::vector<double>> transition;  // [layer * E + from][to], layer >= 1
};

TraceModel DrawTraceModel(const TraceShape& shape, Rng& rng);

// `requests` requests of shape.tokens tokens each; request ids start at
// `first_request`.
Trace SampleTrace(const TraceModel& model, int requests, Rng& rng, int first_request = 0);

}  // namespace expertlab::offload
