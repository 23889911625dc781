// The disk-backed expert-offloading engine: batch-1 decode through a stack
// of sparse-MoE layers (stack_decode.h) whose routers stay in memory and
// whose experts live in an expert file (expert_file.h), with an expert
// cache of a set capacity in bytes run by any cache policy plug-in
// (policy.h). The serving loop of Mixtral-offloading (Eliseev & Mazur,
// arXiv 2312.17238, §3), MoE-Infinity (Xue et al., arXiv 2401.14361, §5) and
// EdgeMoE (Yi et al., IEEE TMC 2025, §III) on real I/O:
//
//   per token, per layer: route (compute); for each needed expert in slot
//   order, a miss evicts the policy's victim and queues its load; wait
//   until every needed expert has arrived (stall); queue the policy's
//   prefetches; run the layer's experts and add the residual (compute,
//   overlapping the prefetches). A load (expert_loader.h, on the
//   background thread) reads the blob into its cache buffer and verifies
//   it; one channel, as simulated: loads the current layer waits for
//   (misses, and queued prefetches it needs) go ahead of queued prefetches.
//
// The cache's decisions are those of the trace simulator (simulator.h) on
// the same access sequence (both use ResidentSet), taken on the decoding
// thread at submission time, so outputs, hits and loads never depend on
// timing; only the measured seconds do. Memory holds the routers and the
// cache, nothing else of the model:
//   quantised files  a cached expert is its blob, computed from the codes
//                    (quantized_expert.h); the output equals DecodeInMemory
//                    in that format bit for bit whatever the capacity.
//   fp32 files       the load also decodes the blob into the expert's slot
//                    of a layer with one slot per cached expert
//                    (MoeLayer::PackExpert touches that slot only, which no
//                    computation in flight reads, since a loading expert is
//                    never one the current layer needs), computed by the
//                    in-memory layer's kernels, so the output equals
//                    DecodeInMemory's (the in-memory layer) bit for bit
//                    whatever the capacity.
// Every blob's checksum is verified on arrival: a corrupt or truncated
// file raises an error instead of computing with its weights.
//
// Options (EngineOptions)
//   capacity_bytes  > 0    cache size; holds capacity_bytes / stride experts
//                          (stride: one expert's 4096-aligned blob), >= top_k
//   direct_io       bool   open the file with O_DIRECT (bypass page cache)
//   background      bool   load on a background thread (false: inline)
//   threads         >= 1   OpenMP threads of the layers' kernels
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/offload/expert_file.h"
#include "algorithms/offload/policy.h"
#include "algorithms/offload/simulator.h"

namespace expertlab::offload {

struct EngineOptions {
  int64_t capacity_bytes = 0;
  bool direct_io = false;
  bool background = true;
  int threads = 1;
};

struct TokenLatency {
  double compute = 0;  // routing, expert compute, residual
  double stall = 0;    // waiting for needed experts (loads and installs)
  // Loader seconds of the loads that finished while this token decoded
  // (read, verify, install; overlapping compute when prefetched, a load in
  // flight across tokens counted in the later one), and the transfers this
  // token queued, demand and prefetch.
  double load = 0;
  int64_t loads = 0;
};

struct EngineResult {
  ReplayResult counts;  // hits, loads, prefetches, stall and total seconds
  double compute_seconds = 0;
  double read_seconds = 0;  // inside pread
  double load_seconds = 0;  // whole loads: read, verify, install
  int64_t bytes_read = 0;
  std::vector<TokenLatency> per_token;
  std::vector<float> output;  // [tokens x d]
  Trace trace;                // the accesses served (router's or forced)

  // Bytes per second of the reads, and of whole loads.
  double ReadBandwidth() const { return read_seconds > 0 ? double(bytes_read) / read_seconds : 0; }
  double LoadBandwidth() const { return load_seconds > 0 ? double(bytes_read) / load_seconds : 0; }
};

class OffloadEngine {
 public:
  OffloadEngine(const std::string& path, const EngineOptions& options);
  ~OffloadEngine();
  OffloadEngine(const OffloadEngine&) = delete;
  OffloadEngine& operator=(const OffloadEngine&) = delete;

  const ExpertFileHeader& header() const { return header_; }
  const moe::MoeConfig& config() const { return config_; }
  // Experts the cache holds.
  int CapacityExperts() const;
  // MakeSetup for this model and cache, with `calibration` (or null).
  CacheSetup Setup(const Trace* calibration) const;

  // Decodes `inputs` ([tokens x d]) from an empty cache. `setup` from
  // Setup() (times may be filled in); `forced` (or null: the routers
  // choose) fixes the experts and requests, and is what a policy that
  // ReadsFuture() sees.
  EngineResult Run(std::span<const float> inputs, CachePolicy& policy, const CacheSetup& setup,
                   const Trace* forced, Rng& rng);

 private:
  class Session;
  std::string path_;
  EngineOptions options_;
  ExpertFileHeader header_;
  moe::MoeConfig config_;
  std::vector<moe::MoeLayer<float>> routers_;  // per layer, routing only
  // fp32 files: one expert slot per cached expert, computed by the
  // in-memory layer's kernels; null for quantised files (computed from the
  // cached blobs).
  std::unique_ptr<moe::MoeLayer<float>> slots_;
};

}  // namespace expertlab::offload
