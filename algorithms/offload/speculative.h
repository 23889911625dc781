// Speculative next-layer prefetch: while layer l computes, the experts that
// layer l + 1's gate would pick from layer l's hidden state are loaded
// (Mixtral-offloading's speculative loading, Eliseev & Mazur, arXiv
// 2312.17238, §3.2; Pre-gated MoE, Hwang et al., ISCA 2024, trains the gate
// for it). Eviction is LRU.
//
// The guess is emulated from the replayed trace: each of layer l + 1's true
// experts is guessed with probability `recall`, and each missed one is
// replaced by the most popular (calibration profile) expert of that layer
// not already guessed, so top_k experts are always named and precision
// equals recall in expectation. The papers report 80-90% recall for the
// speculative gate; sweeping `recall` maps a predictor's quality to hit
// ratio and stall.
//
// Parameters
//   recall  double in [0, 1]  0.85  probability each true next-layer expert is guessed
#pragma once

#include <span>
#include <vector>

#include "algorithms/offload/lru.h"

namespace expertlab::offload {

class Speculative final : public CachePolicy {
 public:
  explicit Speculative(const Params& params);
  bool ReadsFuture() const override { return true; }
  void Start(const CacheSetup& setup, const Trace* future, Rng& rng) override;
  void OnAccess(const Access& at, int key, bool hit) override;
  void OnInsert(const Access& at, int key, bool prefetched) override;
  int Victim(const Access& at, std::span<const int> candidates) override;
  std::vector<int> Prefetch(const Access& at) override;

 private:
  double recall_;
  const Trace* future_ = nullptr;
  CacheSetup setup_;
  Rng* rng_ = nullptr;
  Recency recency_;
};

// The guessed keys of (token, layer): each true expert kept with
// probability `recall`, the others replaced by the layer's most popular
// experts (by `profile`, global keys; uniform order when empty).
std::vector<int> NoisyGuess(const Trace& trace, int64_t token, int layer, double recall,
                            const std::vector<double>& profile, Rng& rng);

}  // namespace expertlab::offload
