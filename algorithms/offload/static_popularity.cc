#include "algorithms/offload/static_popularity.h"

#include <algorithm>
#include <numeric>

#include "sim/registry.h"

namespace expertlab::offload {

void StaticPopularity::Start(const CacheSetup& setup, const Trace* /*future*/, Rng& /*rng*/) {
  const int keys = setup.layers * setup.experts;
  recency_.Reset(keys);
  is_pinned_.assign(static_cast<size_t>(keys), 0);
  pinned_.clear();
  warmed_ = false;
  if (setup.profile.empty()) return;
  std::vector<int> order(static_cast<size_t>(keys));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return setup.profile[static_cast<size_t>(a)] > setup.profile[static_cast<size_t>(b)];
  });
  order.resize(static_cast<size_t>(setup.capacity - setup.top_k));
  pinned_ = order;
  for (int key : pinned_) is_pinned_[static_cast<size_t>(key)] = 1;
}

void StaticPopularity::OnAccess(const Access& at, int key, bool /*hit*/) {
  recency_.Touch(key, at.position);
}

void StaticPopularity::OnInsert(const Access& at, int key, bool /*prefetched*/) {
  recency_.Touch(key, at.position);
}

int StaticPopularity::Victim(const Access& /*at*/, std::span<const int> candidates) {
  scratch_.clear();
  for (int key : candidates)
    if (!is_pinned_[static_cast<size_t>(key)]) scratch_.push_back(key);
  return recency_.Victim(scratch_.empty() ? candidates : std::span<const int>(scratch_));
}

std::vector<int> StaticPopularity::Prefetch(const Access& /*at*/) {
  if (warmed_) return {};
  warmed_ = true;
  return pinned_;
}

EXPERTLAB_REGISTER(CachePolicy, StaticPopularity, "static_popularity",
                   "pin the experts most used in a calibration trace, LRU for the rest", {})

}  // namespace expertlab::offload
