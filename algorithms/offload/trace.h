// Expert-activation traces: which experts every token visits at every MoE
// layer, grouped into requests. The input of every offloading policy and of
// the simulator (simulator.h); synthetic traces come from
// trace_generator.h, recorded or external ones from a file (below).
//
// An access names a global expert key = layer * experts + expert, so one
// cache may hold experts of every layer (the global expert cache of
// MoE-Infinity, Xue et al., arXiv 2401.14361, and EdgeMoE, Yi et al., IEEE
// TMC 2025). Accesses are replayed in order token by token, layer by layer,
// slot by slot; position p of that order is the flat index used by offline
// policies (Belady) to look ahead.
//
// File format (text, whitespace-separated; `#` starts a comment line):
//   expertlab-trace 1 <layers> <experts> <top_k>
//   <request> <e(0,0)> ... <e(0,k-1)> <e(1,0)> ... <e(L-1,k-1)>   one line per token
// where request is a non-negative integer (tokens of one request are
// consecutive lines) and e(l, j) in [0, experts) is the j-th expert token
// routes to at layer l (distinct within a layer). A recorded trace (for
// example from a trained model's routers) is written in this format and
// replayed with `trace=file:<path>` by the offload experiments.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace expertlab::offload {

struct Trace {
  int layers = 0;
  int experts = 0;
  int top_k = 0;
  std::vector<int> request;  // request id per token
  std::vector<int> ids;      // expert (0..experts-1) per (token, layer, slot)

  int64_t tokens() const { return static_cast<int64_t>(request.size()); }
  int keys() const { return layers * experts; }
  int64_t accesses() const { return static_cast<int64_t>(ids.size()); }
  // The experts token t visits at layer l (top_k of them).
  std::span<const int> At(int64_t t, int l) const {
    return {ids.data() + (t * layers + l) * top_k, static_cast<size_t>(top_k)};
  }
  // Global key of flat access position p.
  int Key(int64_t p) const {
    return static_cast<int>((p / top_k) % layers) * experts + ids[static_cast<size_t>(p)];
  }
};

// Throws naming the field unless the trace is well formed (sizes agree,
// ids in range and distinct within a layer, requests contiguous).
void CheckTrace(const Trace& trace);

// Access frequency of every global key over the trace (a profile).
std::vector<double> KeyFrequencies(const Trace& trace);

// Reads/writes the file format above; errors name the file and line.
Trace LoadTrace(const std::string& path);
void SaveTrace(const Trace& trace, const std::string& path);

}  // namespace expertlab::offload
