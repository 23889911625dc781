#include "algorithms/moe/router.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "algorithms/moe/layer.h"

namespace expertlab::moe {

MoeConfig Router::LayerShape(const MoeConfig& keyed) const { return keyed; }

void SoftmaxRows(const double* logits, int64_t rows, int64_t cols, double* probs) {
  for (int64_t t = 0; t < rows; ++t) {
    const double* z = logits + t * cols;
    double* p = probs + t * cols;
    const double top = *std::max_element(z, z + cols);
    double sum = 0;
    for (int64_t e = 0; e < cols; ++e) sum += (p[e] = std::exp(z[e] - top));
    const double inv = 1.0 / sum;
    for (int64_t e = 0; e < cols; ++e) p[e] *= inv;
  }
}

void ExpertsByProbability(const double* probs, int64_t experts, std::vector<int32_t>* order) {
  order->resize(experts);
  std::iota(order->begin(), order->end(), 0);
  std::stable_sort(order->begin(), order->end(),
                   [&](int32_t a, int32_t b) { return probs[a] > probs[b]; });
}

void FillSlots(int64_t t, const int32_t* order, int64_t count, const double* probs, double scale,
               Routing* out) {
  for (int64_t s = 0; s < count; ++s) {
    out->expert[t * out->slots + s] = order[s];
    out->weight[t * out->slots + s] = probs[order[s]] * scale;
  }
}

void SelectedProbsBackward(const Routing& routing, const double* d_weight, bool renormalized,
                           double* d_probs) {
  const int64_t T = routing.tokens, E = routing.experts, k = routing.slots;
  for (int64_t t = 0; t < T; ++t) {
    const double* p = routing.probs.data() + t * E;
    const int32_t* ids = routing.expert.data() + t * k;
    const double* dw = d_weight + t * k;
    int64_t filled = 0;
    while (filled < k && ids[filled] >= 0) ++filled;
    if (!renormalized) {
      for (int64_t s = 0; s < filled; ++s) d_probs[t * E + ids[s]] += dw[s];
      continue;
    }
    // w_s = p_s / S with S the selected mass: dL/dp_j = (dw_j - <dw, w>) / S.
    double sum = 0, dot = 0;
    for (int64_t s = 0; s < filled; ++s) sum += p[ids[s]];
    for (int64_t s = 0; s < filled; ++s) dot += dw[s] * routing.weight[t * k + s];
    for (int64_t s = 0; s < filled; ++s) d_probs[t * E + ids[s]] += (dw[s] - dot) / sum;
  }
}

void SelectedSoftmaxBackward(const Routing& routing, const double* d_weight, const double* d_probs,
                             bool renormalized, std::vector<double>* scratch, double* d_logits) {
  const int64_t T = routing.tokens, E = routing.experts;
  if (d_probs)
    scratch->assign(d_probs, d_probs + T * E);
  else
    scratch->assign(T * E, 0.0);
  SelectedProbsBackward(routing, d_weight, renormalized, scratch->data());
  std::fill(d_logits, d_logits + T * E, 0.0);
  SoftmaxRowsBackward(routing.probs.data(), scratch->data(), T, E, d_logits);
}

double MeanProbabilityLoss(const Routing& routing, const std::vector<double>& weight,
                           double* d_logits, std::vector<double>* scratch) {
  const int64_t T = routing.tokens, E = routing.experts;
  double loss = 0;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t e = 0; e < E; ++e) loss += weight[e] * routing.probs[t * E + e] / double(T);
  if (d_logits != nullptr) {
    // dL/dp[t, e] = w_e / T.
    scratch->resize(static_cast<size_t>(T * E));
    for (int64_t t = 0; t < T; ++t)
      for (int64_t e = 0; e < E; ++e) (*scratch)[t * E + e] = weight[e] / double(T);
    SoftmaxRowsBackward(routing.probs.data(), scratch->data(), T, E, d_logits);
  }
  return loss;
}

void SoftmaxRowsBackward(const double* probs, const double* d_probs, int64_t rows, int64_t cols,
                         double* d_logits) {
  for (int64_t t = 0; t < rows; ++t) {
    const double* p = probs + t * cols;
    const double* dp = d_probs + t * cols;
    double dot = 0;
    for (int64_t e = 0; e < cols; ++e) dot += p[e] * dp[e];
    for (int64_t e = 0; e < cols; ++e) d_logits[t * cols + e] += p[e] * (dp[e] - dot);
  }
}

}  // namespace expertlab::moe
