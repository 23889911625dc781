#include "algorithms/offload/lru_k.h"

#include <algorithm>

#include "sim/registry.h"

namespace expertlab::offload {

LruK::LruK(const Params& params) : k_(static_cast<int>(params.Int("k"))) {}

void LruK::Start(const CacheSetup& setup, const Trace* /*future*/, Rng& /*rng*/) {
  history_.assign(static_cast<size_t>(setup.layers) * setup.experts * k_, -1);
}

void LruK::OnAccess(const Access& at, int key, bool /*hit*/) {
  int64_t* h = history_.data() + static_cast<size_t>(key) * k_;
  std::copy_backward(h, h + k_ - 1, h + k_);
  h[0] = at.position;
}

int LruK::Victim(const Access& /*at*/, std::span<const int> candidates) {
  // Largest backward K-distance first: no K-th access (infinite distance)
  // beats any, then the oldest K-th access; ties (and the infinite class)
  // by the oldest last access, then the first listed.
  const auto older = [&](int a, int b) {
    const int64_t* ha = history_.data() + static_cast<size_t>(a) * k_;
    const int64_t* hb = history_.data() + static_cast<size_t>(b) * k_;
    if (ha[k_ - 1] != hb[k_ - 1]) return ha[k_ - 1] < hb[k_ - 1];
    return ha[0] < hb[0];
  };
  int victim = candidates.front();
  for (int key : candidates.subspan(1))
    if (older(key, victim)) victim = key;
  return victim;
}

EXPERTLAB_REGISTER(CachePolicy, LruK, "lru_k",
                   "evicts the expert whose K-th most recent use is oldest (O'Neil, O'Neil & "
                   "Weikum, LRU-K, SIGMOD 1993), no prefetch",
                   {ParamSpec::Int("k", 2, Bounds::Closed(1, 8),
                                   "accesses remembered per expert (1 = LRU)")})

}  // namespace expertlab::offload
