#include "algorithms/offload/belady.h"

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::offload {

std::vector<int64_t> NextUses(const Trace& trace) {
  std::vector<int64_t> next(static_cast<size_t>(trace.accesses()));
  std::vector<int64_t> seen(static_cast<size_t>(trace.keys()), trace.accesses());
  for (int64_t p = trace.accesses() - 1; p >= 0; --p) {
    const size_t key = static_cast<size_t>(trace.Key(p));
    next[static_cast<size_t>(p)] = seen[key];
    seen[key] = p;
  }
  return next;
}

void Belady::Start(const CacheSetup& setup, const Trace* future, Rng& /*rng*/) {
  EXPERTLAB_CHECK(future != nullptr) << "belady needs the replayed trace";
  next_use_ = NextUses(*future);
  next_.assign(static_cast<size_t>(setup.layers * setup.experts), 0.0);
}

void Belady::OnAccess(const Access& at, int key, bool /*hit*/) {
  next_[static_cast<size_t>(key)] = -double(next_use_[static_cast<size_t>(at.position)]);
}

int Belady::Victim(const Access& /*at*/, std::span<const int> candidates) {
  return ArgMin(candidates, next_);
}

EXPERTLAB_REGISTER(CachePolicy, Belady, "belady",
                   "Belady's offline optimum: evict the expert used farthest in the future "
                   "(the bound; reads the future)",
                   {})

}  // namespace expertlab::offload
