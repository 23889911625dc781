// One offloading replay per cell, shared by the offload experiments: build
// (or load) a trace, replay it against the cell's cache policy with the
// cell's transfer tier, record the standard rows. Experiments differ in
// their defaults and configs only.
//
// Grid keys (OffloadKeys): policy (spec), capacity (fraction of the L x E
// experts the cache holds, at least top_k experts), trace (synthetic, or
// file:<path> in the format of algorithms/offload/trace.h, whose first
// `calibration` requests calibrate and the rest are replayed), the
// generator's shape (layers, experts, top_k, requests, tokens, zipf,
// topics, rho, beta, alpha; trace_generator.h), calibration (requests of
// the calibration trace), tier (pcie4 | pcie3 | nvme | flash;
// theory/offload_cost.h), expert_mb (MB per expert) and compute_us (one
// layer's compute per token, us).
//
// Random streams (common random numbers): the trace model, the calibration
// trace and the replayed trace come from CellContext::DataStream, keyed by
// the trace keys and the replicate, so every policy, capacity and tier of
// a replicate replays the same accesses (Belady's row is the bound for
// that very trace); the policy's own draws (emulated predictors) come from
// the cell's stream.
//
// Rows (step 0):
//   hit_ratio, loads_per_token, mb_per_token, stall_ms_per_token,
//   tokens_per_s, prefetch_precision, prefetch_recall, capacity_experts
//   theory.demand_tokens_per_s    1 / (L c + loads_per_token x miss cost):
//                                 exact for a policy without prefetch
//   theory.compute_tokens_per_s   1 / (L c): every expert resident
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "algorithms/offload/trace.h"
#include "algorithms/offload/trace_generator.h"
#include "sim/experiment.h"
#include "sim/params.h"

namespace expertlab::experiments {

struct OffloadDefaults {
  std::string policy = "lru";
  double capacity = 0.25;
  std::string tier = "pcie4";
};

// Defaults and upper bounds of the generator's shape keys (the real engine
// of offload_validation runs smaller models than the simulator).
struct TraceKeyLimits {
  int64_t layers = 8, experts = 32, requests = 16, tokens = 64, calibration = 8;
  int64_t max_layers = 1024, max_experts = 4096, max_top_k = 64, max_count = 1 << 20;
};

// policy, capacity and the generator's shape keys (layers, experts, top_k,
// requests, tokens, zipf, topics, rho, beta, alpha, calibration).
std::vector<ParamSpec> PolicyAndTraceKeys(const OffloadDefaults& defaults,
                                          const TraceKeyLimits& limits);
// PolicyAndTraceKeys with the trace source and the transfer model's keys.
std::vector<ParamSpec> OffloadKeys(const OffloadDefaults& defaults);
// The generator's shape from the keys layers, experts, top_k, requests,
// tokens, zipf, topics, rho, beta, alpha.
offload::TraceShape OffloadTraceShape(const Params& params);
std::vector<std::string> OffloadDataKeys();
void RunOffloadCell(const Params& params, CellContext& context);

// The trace key: synthetic, charlm or file:<path> (above); its check
// (a charlm trace also checks the char-LM's corpus and shape).
ParamSpec TraceSourceKey();
void CheckTraceSource(const Params& params);

// The calibration trace and the trace replayed, from the cell's trace
// source (DataStream 2 draws the synthetic ones).
struct OffloadTraces {
  offload::Trace calibration;
  offload::Trace replay;
};
OffloadTraces BuildOffloadTraces(const Params& params, CellContext& context);

class OffloadStudy : public Experiment {
 public:
  explicit OffloadStudy(OffloadDefaults defaults) : defaults_(std::move(defaults)) {}
  std::vector<ParamSpec> Parameters() const override { return OffloadKeys(defaults_); }
  std::vector<std::string> DataKeys() const override { return OffloadDataKeys(); }
  void CheckCell(const Params& params) const override;
  void RunCell(const Params& params, CellContext& context) const override {
    RunOffloadCell(params, context);
  }

 private:
  OffloadDefaults defaults_;
};

}  // namespace expertlab::experiments
