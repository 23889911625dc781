// Closed forms of expert offloading: the miss cost of a transfer tier, the
// throughput of a demand-fetched cache, and Che's approximation of LRU's
// hit ratio under independent references.
//
// Miss cost = latency + bytes / bandwidth, with the tiers' nominal
// bandwidths (PCIe 3.0/4.0 x16 ~12/25 GB/s, NVMe 3-7 GB/s, phone flash
// 1-2 GB/s; the per-load latency 10-50 us) as used by the offloading
// simulators (e.g. Fiddler, Kamahori et al., ICLR 2025, §2, for the PCIe
// transfer of a Mixtral expert: 352 MB in bf16 takes ~14 ms at 25 GB/s).
//
// Che's approximation (Che, Tung & Wang, "Hierarchical Web caching systems:
// modeling, design and experimental results", IEEE JSAC 20(7), 2002, Eqs.
// 3-5; asymptotic exactness: Fricker, Robert & Roberts, ITC 2012): with
// reference probabilities q_i and capacity C, the characteristic time t_C
// solves sum_i (1 - exp(-q_i t_C)) = C, and the hit ratio is
// sum_i q_i (1 - exp(-q_i t_C)).
#pragma once

#include <string>
#include <vector>

namespace expertlab::theory {

struct TransferTier {
  std::string name;
  double bandwidth_gbps = 0;  // GB/s (1e9 bytes per second)
  double latency_us = 0;
};

// pcie4, pcie3, nvme, flash (fastest first).
const std::vector<TransferTier>& TransferTiers();
// The tier named `name`; an error listing the names otherwise.
const TransferTier& FindTier(const std::string& name);

// latency + bytes / bandwidth, in seconds.
double MissSeconds(double bytes, const TransferTier& tier);

// Tokens per second of a demand-fetched cache (no overlap): each token
// computes `layers` layers of `layer_seconds` and waits for its loads.
double DemandTokensPerSecond(int layers, double layer_seconds, double loads_per_token,
                             double miss_seconds);

// Che's approximation of the LRU hit ratio; q sums to 1, 0 < C < #{q_i > 0}.
double LruHitRatioChe(const std::vector<double>& q, double capacity);

}  // namespace expertlab::theory
