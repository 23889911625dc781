// Least-frequently-used eviction: the victim is the resident expert with
// the fewest accesses since the replay began (perfect LFU: counts survive
// eviction), ties broken by least recent use. A global-frequency policy of
// the kind MoE-Infinity argues against, since reuse is skewed within a
// request but flat across requests (Xue et al., "MoE-Infinity", arXiv
// 2401.14361 v3, §4.2, Fig. 2). No prefetch. No parameters.
#pragma once

#include <span>
#include <vector>

#include "algorithms/offload/lru.h"

namespace expertlab::offload {

class Lfu final : public CachePolicy {
 public:
  explicit Lfu(const Params& /*params*/) {}
  void Start(const CacheSetup& setup, const Trace* future, Rng& rng) override;
  void OnAccess(const Access& at, int key, bool hit) override;
  void OnInsert(const Access& at, int key, bool prefetched) override;
  int Victim(const Access& at, std::span<const int> candidates) override;

 private:
  std::vector<double> count_;
  Recency recency_;
  std::vector<double> score_;
};

}  // namespace expertlab::offload
