#include "algorithms/offload/resident_set.h"

#include <algorithm>

#include "sim/check.h"

namespace expertlab::offload {

ResidentSet::ResidentSet(int keys, int capacity, CachePolicy& policy)
    : resident_flag_(static_cast<size_t>(keys), 0),
      prefetched_(static_cast<size_t>(keys), 0),
      capacity_(capacity),
      policy_(policy) {}

bool ResidentSet::Touch(int key, bool* prefetch_used) {
  *prefetch_used = false;
  if (!Resident(key)) return false;
  if (prefetched_[static_cast<size_t>(key)]) {
    prefetched_[static_cast<size_t>(key)] = 0;
    *prefetch_used = true;
  }
  return true;
}

bool ResidentSet::Admit(const Access& at, int key, std::span<const int> keep, bool prefetch,
                        int* evicted) {
  *evicted = -1;
  const bool full = static_cast<int>(resident_.size()) >= capacity_;
  if (full) {
    candidates_.clear();
    for (int r : resident_)
      if (std::find(keep.begin(), keep.end(), r) == keep.end()) candidates_.push_back(r);
    if (candidates_.empty()) return false;
  }
  policy_.BeforeInsert(at, key, prefetch);
  if (full) {
    const int victim = policy_.Victim(at, candidates_);
    EXPERTLAB_CHECK(std::find(candidates_.begin(), candidates_.end(), victim) != candidates_.end())
        << "offload policy returned victim " << victim << ", not a candidate";
    resident_flag_[static_cast<size_t>(victim)] = 0;
    prefetched_[static_cast<size_t>(victim)] = 0;
    resident_.erase(std::find(resident_.begin(), resident_.end(), victim));
    policy_.OnEvict(victim);
    *evicted = victim;
  }
  resident_flag_[static_cast<size_t>(key)] = 1;
  prefetched_[static_cast<size_t>(key)] = prefetch ? 1 : 0;
  resident_.push_back(key);
  policy_.OnInsert(at, key, prefetch);
  return true;
}

}  // namespace expertlab::offload
