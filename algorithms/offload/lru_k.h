// LRU-K eviction (E. O'Neil, P. O'Neil, G. Weikum, "The LRU-K page
// replacement algorithm for database disk buffering", SIGMOD 1993, §2.1):
// the victim is the resident expert whose backward K-distance is largest,
// i.e. whose K-th most recent access is oldest; an expert with fewer than K
// accesses has infinite distance, and among those the least recently used
// goes first (the paper's subsidiary policy). K = 1 is LRU. Reference
// history is kept for every expert of the model, evicted or not (the
// paper's Retained Information Period taken as unbounded: the model's
// experts are few); the correlated-reference period is 0 (every access
// counts). Remembering the second-to-last use lets a frequently used expert
// outlive a scan of one-off experts, which plain LRU cannot. No prefetch.
//
// Parameters
//   k  int in [1, 8]  2  accesses remembered per expert
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "algorithms/offload/policy.h"
#include "sim/params.h"

namespace expertlab::offload {

class LruK final : public CachePolicy {
 public:
  explicit LruK(const Params& params);
  void Start(const CacheSetup& setup, const Trace* future, Rng& rng) override;
  void OnAccess(const Access& at, int key, bool hit) override;
  int Victim(const Access& at, std::span<const int> candidates) override;

 private:
  int k_;
  // history_[key * k_ + j]: the (j+1)-th most recent access position, -1
  // when the expert has fewer accesses.
  std::vector<int64_t> history_;
};

}  // namespace expertlab::offload
