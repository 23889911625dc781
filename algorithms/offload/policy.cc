#include "algorithms/offload/policy.h"

#include <algorithm>
#include <numeric>

#include "sim/check.h"

namespace expertlab::offload {

CacheSetup MakeSetup(const Trace& trace, int capacity, const Trace* calibration) {
  EXPERTLAB_CHECK(capacity >= trace.top_k && capacity <= trace.keys())
      << "capacity must be in [top_k = " << trace.top_k << ", layers * experts = " << trace.keys()
      << "] experts, got " << capacity;
  CacheSetup setup;
  setup.layers = trace.layers;
  setup.experts = trace.experts;
  setup.top_k = trace.top_k;
  setup.capacity = capacity;
  setup.calibration = calibration;
  if (calibration != nullptr) {
    EXPERTLAB_CHECK(calibration->layers == trace.layers && calibration->experts == trace.experts)
        << "calibration trace: shape differs from the replayed trace";
    setup.profile = KeyFrequencies(*calibration);
  }
  return setup;
}

int ArgMin(std::span<const int> candidates, const std::vector<double>& score) {
  int best = candidates.front();
  for (int key : candidates)
    if (score[static_cast<size_t>(key)] < score[static_cast<size_t>(best)]) best = key;
  return best;
}

std::vector<int> TopIndices(const std::vector<double>& score, int first, int count, int limit) {
  std::vector<int> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), first);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return score[static_cast<size_t>(a)] > score[static_cast<size_t>(b)];
  });
  order.resize(static_cast<size_t>(std::clamp(limit, 0, count)));
  while (!order.empty() && score[static_cast<size_t>(order.back())] <= 0) order.pop_back();
  return order;
}

}  // namespace expertlab::offload
