// Adaptive Replacement Cache (N. Megiddo, D. Modha, "ARC: A self-tuning,
// low overhead replacement cache", FAST 2003, Fig. 4): the cache holds T1
// (experts used once since they entered) and T2 (used at least twice); the
// ghost lists B1 and B2 remember the experts recently evicted from each.
// A miss that finds its expert in B1 says recency was under-served and
// raises the target size p of T1 by max(1, |B2| / |B1|); one found in B2
// lowers it by max(1, |B1| / |B2|). Eviction (REPLACE) takes the LRU of T1
// when |T1| > p (or |T1| = p and the missed expert was in B2), else the
// LRU of T2; B1 keeps |T1| + |B1| <= c and all four lists <= 2c.
//
// Fitting the harness (policy.h): the adaptation runs in BeforeInsert, so
// before the Victim call of the same miss as in the paper; a victim must
// be a candidate (not needed by the current layer), so REPLACE takes the
// least recent candidate of the list it chooses, and the other list's when
// that one has none. An expert inserted by prefetch enters T1 as a new one.
// Where the paper drops T1's LRU outright (|T1| = c, case IV.A), it passes
// through B1 here and is trimmed at once by the |T1| + |B1| <= c bound, so
// the directory is the same. No prefetch. No parameters.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "algorithms/offload/policy.h"
#include "sim/params.h"

namespace expertlab::offload {

class Arc final : public CachePolicy {
 public:
  explicit Arc(const Params& /*params*/) {}
  void Start(const CacheSetup& setup, const Trace* future, Rng& rng) override;
  void BeforeInsert(const Access& at, int key, bool prefetched) override;
  void OnInsert(const Access& at, int key, bool prefetched) override;
  void OnAccess(const Access& at, int key, bool hit) override;
  void OnEvict(int key) override;
  int Victim(const Access& at, std::span<const int> candidates) override;
  double target() const { return p_; }

 private:
  enum List : uint8_t { kNone, kT1, kT2, kB1, kB2, kLists };
  void MoveTo(int key, List list);
  // The least recently moved member of `list` (-1 when empty).
  int Lru(List list) const;
  // The least recently moved candidate in `list` (-1 when none).
  int LruCandidate(List list, std::span<const int> candidates) const;
  void TrimGhosts();

  int capacity_ = 0;
  double p_ = 0;
  List pending_ = kT1;       // where the expert being inserted goes
  bool missed_in_b2_ = false;
  std::vector<List> where_;
  std::vector<int64_t> stamp_;  // when each key last moved to its list's MRU end
  int64_t clock_ = 0;
  int size_[kLists] = {};
};

}  // namespace expertlab::offload
