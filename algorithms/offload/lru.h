// Least-recently-used eviction: the victim is the resident expert whose
// last access (or insertion) is oldest. The per-layer LRU of
// Mixtral-offloading (Eliseev & Mazur, "Fast Inference of Mixture-of-Experts
// Language Models with Offloading", arXiv 2312.17238, §3.1) run as one
// global cache; the baseline of every offloading paper. No prefetch.
// No parameters.
#pragma once

#include <span>
#include <vector>

#include "algorithms/offload/policy.h"
#include "sim/params.h"

namespace expertlab::offload {

// Last-use positions of every key; the LRU victim among candidates.
class Recency {
 public:
  void Reset(int keys) { last_.assign(static_cast<size_t>(keys), -1.0); }
  void Touch(int key, int64_t position) { last_[static_cast<size_t>(key)] = double(position); }
  int Victim(std::span<const int> candidates) const { return ArgMin(candidates, last_); }
  double Last(int key) const { return last_[static_cast<size_t>(key)]; }

 private:
  std::vector<double> last_;
};

class Lru final : public CachePolicy {
 public:
  explicit Lru(const Params& /*params*/) {}
  void Start(const CacheSetup& setup, const Trace* future, Rng& rng) override;
  void OnAccess(const Access& at, int key, bool hit) override;
  void OnInsert(const Access& at, int key, bool prefetched) override;
  int Victim(const Access& at, std::span<const int> candidates) override;

 private:
  Recency recency_;
};

}  // namespace expertlab::offload
