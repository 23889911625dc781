// The offloading family: a cache policy decides which experts stay in a
// fast-memory expert cache of fixed capacity (in experts) and which to
// fetch ahead of use, while a trace of expert activations is replayed
// (simulator.h, the harness). Every policy the literature compares reduces
// to a cache, a predictor and compute/transfer overlap (eviction chooses a
// victim; prefetch names experts to load during compute).
//
// Contract (enforced by Replay, checked by tests/algorithms/offload/conformance.h):
//   - Victim returns one of the candidates it is given (resident experts
//     the current layer does not need);
//   - Prefetch names global keys (layer * experts + expert); the harness
//     loads those not resident, in order, while capacity allows without
//     evicting what the current layer needs;
//   - only a policy with ReadsFuture() sees the trace being replayed
//     (Belady, the offline bound, and predictors emulated by corrupting the
//     true future at a set recall); the others see the calibration trace
//     and its profile only, and the accesses as they happen.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "algorithms/offload/trace.h"
#include "sim/rng.h"

namespace expertlab::offload {

// What a policy knows before the replay.
struct CacheSetup {
  int layers = 0;
  int experts = 0;
  int top_k = 0;
  int capacity = 0;                    // experts the cache holds, >= top_k
  const Trace* calibration = nullptr;  // past requests of the same model, or null
  std::vector<double> profile;         // KeyFrequencies(calibration), or empty
  // The replay's time model (set by Replay): one load, one layer's compute.
  double miss_seconds = 0;
  double compute_seconds = 0;
};

// Where the replay stands: flat position of the access being served (for a
// prefetch: of the first access of the next layer), its token, layer and
// request.
struct Access {
  int64_t position = 0;
  int64_t token = 0;
  int layer = 0;
  int request = 0;
};

class CachePolicy {
 public:
  static constexpr const char* kFamily = "offload policy";
  virtual ~CachePolicy() = default;

  virtual bool ReadsFuture() const { return false; }
  // `future` is the trace being replayed when ReadsFuture(), else null.
  virtual void Start(const CacheSetup& setup, const Trace* future, Rng& rng) = 0;
  // Expert `key` is needed at `at` (hit: it was resident).
  virtual void OnAccess(const Access& at, int key, bool hit) = 0;
  // `key` is about to enter the cache (on demand or by prefetch), before
  // any Victim call it causes.
  virtual void BeforeInsert(const Access& /*at*/, int /*key*/, bool /*prefetched*/) {}
  // `key` enters the cache (on demand or by prefetch).
  virtual void OnInsert(const Access& /*at*/, int /*key*/, bool /*prefetched*/) {}
  virtual void OnEvict(int /*key*/) {}
  // The expert to evict; `candidates` is not empty.
  virtual int Victim(const Access& at, std::span<const int> candidates) = 0;
  // Called once per (token, layer) after the layer's demand loads, before
  // its compute: experts to load ahead, most urgent first.
  virtual std::vector<int> Prefetch(const Access& /*at*/) { return {}; }
};

// Setup for `capacity` experts of the trace's shape, with the calibration
// trace (may be null) and its profile. Error naming "capacity" unless
// top_k <= capacity <= layers * experts.
CacheSetup MakeSetup(const Trace& trace, int capacity, const Trace* calibration);

// The candidate key with the smallest score[key] (ties: the first listed).
int ArgMin(std::span<const int> candidates, const std::vector<double>& score);

// Up to `limit` indices of [first, first + count) in decreasing score
// (ties: lower index first), those with score <= 0 left out.
std::vector<int> TopIndices(const std::vector<double>& score, int first, int count, int limit);

}  // namespace expertlab::offload
