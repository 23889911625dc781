#include "algorithms/offload/lru.h"

#include "sim/registry.h"

namespace expertlab::offload {

void Lru::Start(const CacheSetup& setup, const Trace* /*future*/, Rng& /*rng*/) {
  recency_.Reset(setup.layers * setup.experts);
}

void Lru::OnAccess(const Access& at, int key, bool /*hit*/) { recency_.Touch(key, at.position); }

void Lru::OnInsert(const Access& at, int key, bool /*prefetched*/) {
  recency_.Touch(key, at.position);
}

int Lru::Victim(const Access& /*at*/, std::span<const int> candidates) {
  return recency_.Victim(candidates);
}

EXPERTLAB_REGISTER(CachePolicy, Lru, "lru",
                   "least recently used eviction, no prefetch (Mixtral-offloading's cache)", {})

}  // namespace expertlab::offload
