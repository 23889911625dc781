// Which experts an expert cache holds, and the policy's part in changing
// that: the bookkeeping shared by the trace simulator (simulator.h) and the
// disk-backed engine (engine.h), so that both make the same eviction
// decisions from the same policy calls and a deterministic policy gives the
// same hits on the same trace whether the loads are modelled or real.
//
// Residents are kept in insertion order; a victim is asked of the policy
// among the residents outside the current layer's needed set, in that
// order (ArgMin-style policies break ties by it).
#pragma once

#include <span>
#include <vector>

#include "algorithms/offload/policy.h"

namespace expertlab::offload {

class ResidentSet {
 public:
  ResidentSet(int keys, int capacity, CachePolicy& policy);

  bool Resident(int key) const { return resident_flag_[static_cast<size_t>(key)] != 0; }
  // Marks an access: whether `key` is resident; a resident prefetched and
  // not yet used counts as used once (`*prefetch_used` set).
  bool Touch(int key, bool* prefetch_used);
  // Makes `key` resident. When full, evicts the policy's victim among the
  // residents outside `keep` (its key in `*evicted`, else -1) and tells the
  // policy; returns false (nothing changes, the policy is not called) when
  // every resident is in `keep`. Calls BeforeInsert, then Victim and
  // OnEvict when full, then OnInsert.
  bool Admit(const Access& at, int key, std::span<const int> keep, bool prefetch, int* evicted);

 private:
  std::vector<char> resident_flag_;
  std::vector<char> prefetched_;
  std::vector<int> resident_;
  std::vector<int> candidates_;
  int capacity_;
  CachePolicy& policy_;
};

}  // namespace expertlab::offload
