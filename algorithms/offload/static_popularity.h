// Static-popularity pinning: the capacity - top_k experts most often
// activated in a calibration trace are loaded first and never evicted while
// another victim exists; the remaining top_k slots are an LRU scratch area
// for misses. The "most popular experts on the GPU" initialisation of
// Fiddler (Kamahori et al., "Fiddler: CPU-GPU Orchestration for Fast
// Inference of Mixture-of-Experts Models", ICLR 2025, §3) and the
// static-popularity baseline of the offloading simulators; under
// independent references it is the optimal online policy (it keeps the
// most probable experts). Needs the calibration profile (else it pins
// nothing and is LRU). No parameters.
#pragma once

#include <span>
#include <vector>

#include "algorithms/offload/lru.h"

namespace expertlab::offload {

class StaticPopularity final : public CachePolicy {
 public:
  explicit StaticPopularity(const Params& /*params*/) {}
  void Start(const CacheSetup& setup, const Trace* future, Rng& rng) override;
  void OnAccess(const Access& at, int key, bool hit) override;
  void OnInsert(const Access& at, int key, bool prefetched) override;
  int Victim(const Access& at, std::span<const int> candidates) override;
  // The pinned set, once, at the first call (warm start).
  std::vector<int> Prefetch(const Access& at) override;

 private:
  std::vector<int> pinned_;
  std::vector<char> is_pinned_;
  bool warmed_ = false;
  Recency recency_;
  std::vector<int> scratch_;
};

}  // namespace expertlab::offload
