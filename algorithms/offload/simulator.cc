#include "algorithms/offload/simulator.h"

#include <algorithm>

#include "algorithms/offload/resident_set.h"
#include "algorithms/offload/urgent_queue.h"
#include "sim/check.h"

namespace expertlab::offload {
namespace {

// The cache's contents (ResidentSet) and the transfer channel: transfers
// started by the current time are committed (busy_until_), the others wait
// in queue_, urgent first (urgent_queue.h), and their arrival times are
// rescheduled whenever the queue changes.
class ReplayCache {
 public:
  ReplayCache(const CacheSetup& setup, const CostModel& cost, CachePolicy& policy,
              ReplayResult& result)
      : set_(setup.layers * setup.experts, setup.capacity, policy),
        ready_(static_cast<size_t>(setup.layers * setup.experts), 0.0),
        cost_(cost),
        result_(result) {}

  bool Resident(int key) const { return set_.Resident(key); }
  double Ready(int key) const { return ready_[static_cast<size_t>(key)]; }

  // Marks an access at `now`; returns whether the expert was resident (a
  // queued load of it becomes urgent).
  bool Touch(int key, double now) {
    bool prefetch_used = false;
    const bool hit = set_.Touch(key, &prefetch_used);
    result_.prefetch_used += prefetch_used;
    if (!hit) return false;
    Commit(now);
    if (ExpediteQueued(queue_, key)) Reschedule();
    return true;
  }

  // Loads `key`, submitted at `now`, evicting a resident expert outside
  // `keep` if the cache is full. Returns false (nothing loaded) when every
  // resident expert is in `keep`.
  bool Load(const Access& at, int key, double now, std::span<const int> keep, bool prefetch) {
    int evicted = -1;
    if (!set_.Admit(at, key, keep, prefetch, &evicted)) return false;
    Commit(now);
    EnqueueUrgentFirst(queue_, Transfer{key, now, !prefetch});
    Reschedule();
    ++result_.loads;
    if (prefetch) ++result_.prefetch_loads;
    return true;
  }

 private:
  struct Transfer {
    int key;
    double submitted;
    bool urgent;
  };

  // Commits the queued transfers that start by `now`.
  void Commit(double now) {
    while (!queue_.empty()) {
      const double start = std::max(busy_until_, queue_.front().submitted);
      if (start > now) break;
      busy_until_ = start + cost_.MissSeconds();
      queue_.erase(queue_.begin());
    }
  }

  // Every queued transfer's arrival, in queue order after the committed ones.
  void Reschedule() {
    double free = busy_until_;
    for (const Transfer& q : queue_) {
      free = std::max(free, q.submitted) + cost_.MissSeconds();
      ready_[static_cast<size_t>(q.key)] = free;
    }
  }

  ResidentSet set_;
  std::vector<double> ready_;  // arrival time of the resident copy
  std::vector<Transfer> queue_;
  double busy_until_ = 0;  // the committed transfers end here
  const CostModel& cost_;
  ReplayResult& result_;
};

}  // namespace

ReplayResult Replay(const Trace& trace, CachePolicy& policy, const CacheSetup& setup,
                    const CostModel& cost, Rng& rng) {
  EXPERTLAB_CHECK(setup.layers == trace.layers && setup.experts == trace.experts &&
                  setup.capacity >= trace.top_k)
      << "offload replay: the setup does not match the trace (use MakeSetup)";
  EXPERTLAB_CHECK(cost.bandwidth > 0 && cost.expert_bytes >= 0 && cost.latency_seconds >= 0 &&
                  cost.compute_seconds >= 0 && cost.wait_seconds >= 0)
      << "offload replay: bandwidth must be > 0 and times and bytes >= 0";
  CacheSetup timed = setup;
  timed.miss_seconds = cost.MissSeconds();
  timed.compute_seconds = cost.compute_seconds;
  policy.Start(timed, policy.ReadsFuture() ? &trace : nullptr, rng);
  ReplayResult result;
  result.tokens = trace.tokens();
  ReplayCache cache(setup, cost, policy, result);
  double now = 0;
  const int k = trace.top_k;
  std::vector<int> need(static_cast<size_t>(k));
  for (int64_t t = 0; t < trace.tokens(); ++t) {
    for (int l = 0; l < trace.layers; ++l) {
      Access at{(t * trace.layers + l) * k, t, l, trace.request[static_cast<size_t>(t)]};
      const std::span<const int> set = trace.At(t, l);
      for (int j = 0; j < k; ++j)
        need[static_cast<size_t>(j)] = l * trace.experts + set[static_cast<size_t>(j)];
      for (int j = 0; j < k; ++j, ++at.position) {
        const int key = need[static_cast<size_t>(j)];
        const bool hit = cache.Touch(key, now);
        // capacity >= top_k leaves a candidate outside the layer's other experts.
        if (!hit) {
          EXPERTLAB_CHECK(cache.Load(at, key, now, need, false))
              << "offload replay: no expert to evict";
        }
        policy.OnAccess(at, key, hit);
        result.hits += hit;
      }
      double ready = now;
      for (int key : need) ready = std::max(ready, cache.Ready(key));
      if (ready > now) {
        ready += cost.wait_seconds;
        ++result.waits;
      }
      result.accesses += k;
      result.stall_seconds += ready - now;
      now = ready;
      for (int key : policy.Prefetch(at)) {
        EXPERTLAB_CHECK(key >= 0 && key < trace.keys())
            << "offload policy prefetched key " << key << ", outside [0, " << trace.keys() << ")";
        if (!cache.Resident(key) && !cache.Load(at, key, now, need, true)) break;
      }
      now += cost.compute_seconds;
    }
  }
  result.total_seconds = now;
  return result;
}

}  // namespace expertlab::offload
