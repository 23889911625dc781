#include "algorithms/offload/lfu.h"

#include "sim/registry.h"

namespace expertlab::offload {

void Lfu::Start(const CacheSetup& setup, const Trace* /*future*/, Rng& /*rng*/) {
  const int keys = setup.layers * setup.experts;
  count_.assign(static_cast<size_t>(keys), 0.0);
  score_.assign(static_cast<size_t>(keys), 0.0);
  recency_.Reset(keys);
}

void Lfu::OnAccess(const Access& at, int key, bool /*hit*/) {
  count_[static_cast<size_t>(key)] += 1;
  recency_.Touch(key, at.position);
}

void Lfu::OnInsert(const Access& at, int key, bool /*prefetched*/) {
  recency_.Touch(key, at.position);
}

int Lfu::Victim(const Access& at, std::span<const int> candidates) {
  // count + recency / (position + 2): the recency term is < 1, so it only
  // breaks ties between equal counts.
  for (int key : candidates)
    score_[static_cast<size_t>(key)] =
        count_[static_cast<size_t>(key)] + (recency_.Last(key) + 1) / double(at.position + 2);
  return ArgMin(candidates, score_);
}

EXPERTLAB_REGISTER(CachePolicy, Lfu, "lfu",
                   "least frequently used eviction (counts since start, ties LRU), no prefetch", {})

}  // namespace expertlab::offload
