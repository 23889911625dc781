#include "algorithms/offload/trace_generator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::offload {

void CheckTraceShape(const TraceShape& s) {
  EXPERTLAB_CHECK(s.layers >= 1) << "layers must be >= 1, got " << s.layers;
  EXPERTLAB_CHECK(s.experts >= 1) << "experts must be >= 1, got " << s.experts;
  EXPERTLAB_CHECK(s.top_k >= 1 && s.top_k <= s.experts)
      << "top_k must be in [1, experts = " << s.experts << "], got " << s.top_k;
  EXPERTLAB_CHECK(s.requests >= 1 && s.tokens >= 1)
      << "requests and tokens must be >= 1, got " << s.requests << " and " << s.tokens;
  EXPERTLAB_CHECK(s.zipf >= 0) << "zipf must be >= 0, got " << s.zipf;
  EXPERTLAB_CHECK(s.topics >= 1) << "topics must be >= 1, got " << s.topics;
  EXPERTLAB_CHECK(s.rho >= 0 && s.rho <= 1) << "rho must be in [0, 1], got " << s.rho;
  EXPERTLAB_CHECK(s.beta >= 0 && s.beta <= 1) << "beta must be in [0, 1], got " << s.beta;
  EXPERTLAB_CHECK(s.alpha > 0) << "alpha must be > 0, got " << s.alpha;
}

TraceModel DrawTraceModel(const TraceShape& shape, Rng& rng) {
  CheckTraceShape(shape);
  TraceModel model;
  model.shape = shape;
  const int experts = shape.experts;
  std::vector<int> order(static_cast<size_t>(experts));
  for (int g = 0; g < shape.topics; ++g)
    for (int l = 0; l < shape.layers; ++l) {
      std::iota(order.begin(), order.end(), 0);
      Shuffle(rng, order);
      std::vector<double> weights(static_cast<size_t>(experts));
      double total = 0;
      for (int r = 0; r < experts; ++r) total += std::pow(r + 1.0, -shape.zipf);
      for (int r = 0; r < experts; ++r)
        weights[static_cast<size_t>(order[static_cast<size_t>(r)])] =
            std::pow(r + 1.0, -shape.zipf) / total;
      model.popularity.push_back(std::move(weights));
    }
  const std::vector<double> alpha(static_cast<size_t>(experts), shape.alpha);
  model.transition.resize(static_cast<size_t>(shape.layers * experts));
  for (int l = 1; l < shape.layers; ++l)
    for (int from = 0; from < experts; ++from) {
      std::vector<double>& row = model.transition[static_cast<size_t>(l * experts + from)];
      row.resize(static_cast<size_t>(experts));
      Dirichlet(rng, alpha, row);
    }
  return model;
}

namespace {

// One layer's set for one token: sticky slots first, then draws from the
// mixed weights without replacement.
void DrawLayerSet(const TraceModel& model, int topic, int layer,
                  std::span<const int> previous_token, std::span<const int> previous_layer,
                  Rng& rng, std::span<int> out) {
  const TraceShape& s = model.shape;
  std::vector<double> weights = model.popularity[static_cast<size_t>(topic * s.layers + layer)];
  if (layer > 0 && s.beta > 0) {
    for (double& w : weights) w *= 1 - s.beta;
    const double share = s.beta / static_cast<double>(previous_layer.size());
    for (int from : previous_layer) {
      const auto& row = model.transition[static_cast<size_t>(layer * s.experts + from)];
      for (size_t e = 0; e < weights.size(); ++e) weights[e] += share * row[e];
    }
  }
  size_t filled = 0;
  const auto taken = [&](int e) {
    return std::find(out.begin(), out.begin() + filled, e) != out.begin() + filled;
  };
  for (size_t j = 0; j < out.size(); ++j) {
    if (!previous_token.empty() && Bernoulli(rng, s.rho)) {
      std::vector<int> free;
      for (int e : previous_token)
        if (!taken(e)) free.push_back(e);
      if (!free.empty()) {
        out[filled++] = free[rng.UniformInt(free.size())];
        continue;
      }
    }
    for (size_t i = 0; i < filled; ++i) weights[static_cast<size_t>(out[i])] = 0;
    out[filled] = static_cast<int>(Categorical(rng, weights));
    ++filled;
  }
}

}  // namespace

Trace SampleTrace(const TraceModel& model, int requests, Rng& rng, int first_request) {
  const TraceShape& s = model.shape;
  EXPERTLAB_CHECK(requests >= 1) << "requests must be >= 1, got " << requests;
  Trace trace;
  trace.layers = s.layers;
  trace.experts = s.experts;
  trace.top_k = s.top_k;
  const size_t per_token = static_cast<size_t>(s.layers * s.top_k);
  trace.ids.resize(static_cast<size_t>(requests) * static_cast<size_t>(s.tokens) * per_token);
  int64_t t = 0;
  for (int r = 0; r < requests; ++r) {
    const int topic = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(s.topics)));
    for (int i = 0; i < s.tokens; ++i, ++t) {
      trace.request.push_back(first_request + r);
      for (int l = 0; l < s.layers; ++l) {
        int* base = trace.ids.data() + (t * s.layers + l) * s.top_k;
        const std::span<const int> previous_token =
            i == 0 ? std::span<const int>() : std::span<const int>(base - per_token, s.top_k);
        const std::span<const int> previous_layer =
            l == 0 ? std::span<const int>() : std::span<const int>(base - s.top_k, s.top_k);
        DrawLayerSet(model, topic, l, previous_token, previous_layer, rng,
                     std::span<int>(base, static_cast<size_t>(s.top_k)));
      }
    }
  }
  return trace;
}

}  // namespace expertlab::offload
