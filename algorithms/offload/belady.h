// Belady's offline optimum: on a miss with a full cache, evict the resident
// expert whose next use is farthest in the future (never used again first).
// It minimises the number of loads of a demand-fetched cache (Belady, "A
// study of replacement algorithms for a virtual-storage computer", IBM
// Systems Journal 5(2), 1966; optimality proof: Mattson, Gecsei, Slutz &
// Traiger, IBM Systems Journal 9(2), 1970), and no policy, prefetching or
// not, loads fewer experts with the same capacity (a prefetch can always be
// deferred to the use it serves): the bound every offloading figure draws.
// Reads the replayed trace. No prefetch. No parameters.
#pragma once

#include <span>
#include <vector>

#include "algorithms/offload/policy.h"
#include "sim/params.h"

namespace expertlab::offload {

class Belady final : public CachePolicy {
 public:
  explicit Belady(const Params& /*params*/) {}
  bool ReadsFuture() const override { return true; }
  void Start(const CacheSetup& setup, const Trace* future, Rng& rng) override;
  void OnAccess(const Access& at, int key, bool hit) override;
  int Victim(const Access& at, std::span<const int> candidates) override;

 private:
  std::vector<int64_t> next_use_;  // per flat position: next position of its key
  std::vector<double> next_;       // per key: its next use (-) so ArgMin finds the farthest
};

// next[p] = the next position q > p with the same key, or accesses() if none.
std::vector<int64_t> NextUses(const Trace& trace);

}  // namespace expertlab::offload
