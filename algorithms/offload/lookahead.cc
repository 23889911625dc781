#include "algorithms/offload/lookahead.h"

#include <algorithm>
#include <cmath>

#include "algorithms/offload/speculative.h"
#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::offload {

Lookahead::Lookahead(const Params& params)
    : recall_(params.Double("recall")),
      max_distance_(static_cast<int>(params.Int("max_distance"))) {}

void Lookahead::Start(const CacheSetup& setup, const Trace* future, Rng& rng) {
  EXPERTLAB_CHECK(future != nullptr) << "lookahead needs the replayed trace (emulated predictor)";
  future_ = future;
  setup_ = setup;
  rng_ = &rng;
  // S0 = k E_s / (C_s T_l): layers of compute that one layer's loads take.
  const double layers_per_load = setup.compute_seconds > 0
                                     ? setup.top_k * setup.miss_seconds / setup.compute_seconds
                                     : double(max_distance_);
  distance_ = static_cast<int>(std::clamp(std::ceil(layers_per_load), 1.0, double(max_distance_)));
  recency_.Reset(setup.layers * setup.experts);
  unused_prefetch_.assign(static_cast<size_t>(setup.layers * setup.experts), 0);
}

void Lookahead::OnAccess(const Access& at, int key, bool hit) {
  recency_.Touch(key, at.position);
  unused_prefetch_[static_cast<size_t>(key)] = 0;
  if (!hit) distance_ = std::min(max_distance_, distance_ + 1);
}

void Lookahead::OnInsert(const Access& at, int key, bool prefetched) {
  recency_.Touch(key, at.position);
  unused_prefetch_[static_cast<size_t>(key)] = prefetched ? 1 : 0;
}

void Lookahead::OnEvict(int key) {
  if (unused_prefetch_[static_cast<size_t>(key)]) distance_ = std::max(1, distance_ - 1);
  unused_prefetch_[static_cast<size_t>(key)] = 0;
}

int Lookahead::Victim(const Access& /*at*/, std::span<const int> candidates) {
  return recency_.Victim(candidates);
}

std::vector<int> Lookahead::Prefetch(const Access& at) {
  std::vector<int> keys;
  for (int d = 1; d <= distance_ && at.layer + d < setup_.layers; ++d) {
    const std::vector<int> guess =
        NoisyGuess(*future_, at.token, at.layer + d, std::pow(recall_, d), setup_.profile, *rng_);
    keys.insert(keys.end(), guess.begin(), guess.end());
  }
  return keys;
}

EXPERTLAB_REGISTER(
    CachePolicy, Lookahead, "lookahead",
    "prefetch S layers ahead (emulated predictor, recall decaying with "
    "distance), S adapted by stalls and over-fetch, LRU eviction",
    {ParamSpec::Double("recall", 0.85, Bounds::Closed(0, 1), "one-layer-ahead recall"),
     ParamSpec::Int("max_distance", 4, Bounds::Closed(1, 1024), "largest look-ahead distance S")})

}  // namespace expertlab::offload
