// EdgeMoE's preload and eviction (Yi, Guo, Wei, Zhou, Wang & Xu, "EdgeMoE:
// Empowering Sparse Large Language Models on Mobile Devices", IEEE TMC
// 2025, §III-C):
//   - predictor (§III-C1): a table per MoE layer n, built offline from a
//     calibration trace, keyed by the experts the token used at layers
//     n - 2 and n - 1 (a sorted set each, for top-k > 1), holding counts of
//     layer n's experts; after layer n - 1 routes, the `preload` most
//     probable absent experts of layer n are loaded. The paper leaves the
//     first layers and unseen keys open: we fall back to the one-layer key
//     (n - 1 only), then to the calibration profile;
//   - eviction (§III-C2): evict argmax of L = -f / d, f the expert's
//     calibration frequency and d a layer distance. variant=intent uses the
//     prose's meaning, d = (m - I) mod L with 0 mapped to L (layers until
//     expert m's layer runs again: far experts go first); variant=printed
//     the formula as printed, d = (I - m) mod L (layers since it ran), with
//     the current layer's experts pinned.
// Bit-width selection (§III-B) belongs to the engine, not the cache.
//
// Parameters
//   preload  int >= 1               2       experts preloaded per layer (the paper: 1-3)
//   variant  intent | printed       intent  the eviction distance
#pragma once

#include <map>
#include <span>
#include <vector>

#include "algorithms/offload/policy.h"
#include "sim/params.h"

namespace expertlab::offload {

class EdgeMoe final : public CachePolicy {
 public:
  explicit EdgeMoe(const Params& params);
  void Start(const CacheSetup& setup, const Trace* future, Rng& rng) override;
  void OnAccess(const Access& at, int key, bool hit) override;
  int Victim(const Access& at, std::span<const int> candidates) override;
  std::vector<int> Prefetch(const Access& at) override;

 private:
  // Key of the table: layer, then the sorted expert sets of the layers used.
  using PathKey = std::vector<int>;
  PathKey KeyOf(int layer, int depth) const;

  int preload_;
  bool printed_;
  CacheSetup setup_;
  std::map<PathKey, std::vector<double>> table_;
  std::vector<std::vector<int>> path_;  // this token's sorted sets per layer
  std::vector<double> score_;
};

}  // namespace expertlab::offload
