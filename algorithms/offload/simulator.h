// The trace-driven offloading simulator: replays a trace against a cache
// policy with a transfer/compute time model and returns the metrics the
// offloading papers report (hit ratio, loads and bytes per token, stall
// per token, prefetch precision and recall, tokens/s).
//
// Time model (one token at a time, batch 1 decode, layers in order):
//   - one transfer channel: a load takes latency + bytes / bandwidth (the
//     miss cost of a bandwidth tier, theory/offload_cost.h) and is never
//     interrupted; queued loads start in order, urgent ones (an expert the
//     current layer waits for: a miss, or a queued prefetch it accessed)
//     ahead of queued prefetches (urgent_queue.h, MoE-Infinity's on-demand
//     priority), as the engine's loader orders them;
//   - at layer l the needed experts that are absent are loaded on demand
//     (evicting Victim()s), and the layer waits until all its experts have
//     arrived, plus wait_seconds once if it waited at all (stall); then
//     the policy's prefetches are queued, and the layer computes for
//     compute_seconds while they transfer (overlap).
// A prefetched expert that is accessed counts as a hit even if it is still
// in flight (the wait is stall). With no prefetch every miss costs exactly
// its transfer and every layer with a miss one wait: stall per token =
// loads per token * miss cost + waits per token * wait_seconds.
//
// latency_seconds is the device's per-transfer cost (it occupies the
// channel); wait_seconds the host's per-wait hand-off (waking the loading
// thread and the waiting one), paid once however many transfers the layer
// waits for. The tier presets have no hand-off; a measured host (the real
// engine, offload_validation) has one.
#pragma once

#include <cstdint>

#include "algorithms/offload/policy.h"
#include "algorithms/offload/trace.h"

namespace expertlab::offload {

struct CostModel {
  double expert_bytes = 0;     // bytes of one expert
  double bandwidth = 1;        // bytes per second of the transfer channel
  double latency_seconds = 0;  // fixed cost per load
  double compute_seconds = 0;  // compute time of one layer for one token
  double wait_seconds = 0;     // fixed cost of each layer that waits
  double MissSeconds() const { return latency_seconds + expert_bytes / bandwidth; }
};

struct ReplayResult {
  int64_t tokens = 0;
  int64_t accesses = 0;
  int64_t hits = 0;   // resident (or in flight) when accessed
  int64_t loads = 0;  // every transfer, demand and prefetch
  int64_t prefetch_loads = 0;
  int64_t prefetch_used = 0;  // prefetched experts accessed before eviction
  int64_t waits = 0;          // layers that waited for a transfer
  double stall_seconds = 0;
  double total_seconds = 0;

  double HitRatio() const { return accesses ? double(hits) / double(accesses) : 0; }
  double LoadsPerToken() const { return tokens ? double(loads) / double(tokens) : 0; }
  double StallPerToken() const { return tokens ? stall_seconds / double(tokens) : 0; }
  double TokensPerSecond() const { return total_seconds > 0 ? double(tokens) / total_seconds : 0; }
  // Used prefetches over prefetch loads; accesses served by a prefetch over
  // those plus demand misses.
  double PrefetchPrecision() const {
    return prefetch_loads ? double(prefetch_used) / double(prefetch_loads) : 0;
  }
  double PrefetchRecall() const {
    const int64_t misses = accesses - hits;
    return prefetch_used + misses ? double(prefetch_used) / double(prefetch_used + misses) : 0;
  }
};

// Replays every access of `trace`; `setup` from MakeSetup on the same trace.
ReplayResult Replay(const Trace& trace, CachePolicy& policy, const CacheSetup& setup,
                    const CostModel& cost, Rng& rng);

}  // namespace expertlab::offload
