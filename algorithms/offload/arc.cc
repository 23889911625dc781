#include "algorithms/offload/arc.h"

#include <algorithm>

#include "sim/registry.h"

namespace expertlab::offload {

void Arc::Start(const CacheSetup& setup, const Trace* /*future*/, Rng& /*rng*/) {
  capacity_ = setup.capacity;
  p_ = 0;
  pending_ = kT1;
  missed_in_b2_ = false;
  where_.assign(static_cast<size_t>(setup.layers) * setup.experts, kNone);
  stamp_.assign(where_.size(), 0);
  clock_ = 0;
  std::fill(std::begin(size_), std::end(size_), 0);
}

void Arc::MoveTo(int key, List list) {
  --size_[where_[static_cast<size_t>(key)]];
  where_[static_cast<size_t>(key)] = list;
  ++size_[list];
  stamp_[static_cast<size_t>(key)] = clock_++;
}

int Arc::Lru(List list) const {
  int best = -1;
  for (size_t key = 0; key < where_.size(); ++key)
    if (where_[key] == list && (best < 0 || stamp_[key] < stamp_[static_cast<size_t>(best)]))
      best = static_cast<int>(key);
  return best;
}

int Arc::LruCandidate(List list, std::span<const int> candidates) const {
  int best = -1;
  for (int key : candidates)
    if (where_[static_cast<size_t>(key)] == list &&
        (best < 0 || stamp_[static_cast<size_t>(key)] < stamp_[static_cast<size_t>(best)]))
      best = key;
  return best;
}

void Arc::TrimGhosts() {
  while (size_[kT1] + size_[kB1] > capacity_ && size_[kB1] > 0) MoveTo(Lru(kB1), kNone);
  while (size_[kT1] + size_[kT2] + size_[kB1] + size_[kB2] > 2 * capacity_ && size_[kB2] > 0)
    MoveTo(Lru(kB2), kNone);
}

void Arc::BeforeInsert(const Access& /*at*/, int key, bool /*prefetched*/) {
  const List ghost = where_[static_cast<size_t>(key)];
  missed_in_b2_ = ghost == kB2;
  const double b1 = size_[kB1], b2 = size_[kB2];
  if (ghost == kB1) {
    p_ = std::min<double>(capacity_, p_ + std::max(1.0, b2 / b1));
    pending_ = kT2;
  } else if (ghost == kB2) {
    p_ = std::max(0.0, p_ - std::max(1.0, b1 / b2));
    pending_ = kT2;
  } else {
    pending_ = kT1;
  }
  // The expert leaves its ghost list now; a new one (case IV) makes room in
  // the directory when it enters T1 (OnInsert's TrimGhosts).
  if (ghost == kB1 || ghost == kB2) MoveTo(key, kNone);
}

void Arc::OnInsert(const Access& /*at*/, int key, bool /*prefetched*/) {
  MoveTo(key, pending_);
  pending_ = kT1;
  TrimGhosts();
}

void Arc::OnAccess(const Access& /*at*/, int key, bool hit) {
  if (hit) MoveTo(key, kT2);  // case I: a hit in T1 or T2 goes to T2's MRU end
}

void Arc::OnEvict(int key) {
  // Moving from T to B keeps |T1| + |B1| and the directory's size.
  MoveTo(key, where_[static_cast<size_t>(key)] == kT1 ? kB1 : kB2);
}

int Arc::Victim(const Access& /*at*/, std::span<const int> candidates) {
  const int from_t1 = LruCandidate(kT1, candidates);
  const int from_t2 = LruCandidate(kT2, candidates);
  const bool prefer_t1 =
      size_[kT1] > 0 && (size_[kT1] > p_ || (missed_in_b2_ && size_[kT1] == p_));
  if (from_t1 >= 0 && (prefer_t1 || from_t2 < 0)) return from_t1;
  if (from_t2 >= 0) return from_t2;
  return candidates.front();  // a candidate in neither list (not inserted through Admit)
}

EXPERTLAB_REGISTER(CachePolicy, Arc, "arc",
                   "adaptive replacement cache: recency and frequency lists with ghost lists "
                   "steering their split (Megiddo & Modha, ARC, FAST 2003), no prefetch",
                   {})

}  // namespace expertlab::offload
