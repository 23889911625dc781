// Adaptive look-ahead prefetch in the style of ExpertFlow (Shen, Chu, Zhang,
// Xiang, Wu & Zhang, "ExpertFlow: Adaptive Expert Scheduling and Memory
// Coordination for Efficient MoE Inference", arXiv 2510.26730, abstract):
// while layer l computes, the experts of layers l + 1 .. l + S are
// prefetched. S starts at the reported step size N_e E_s / (C_s T_l) (the
// experts one layer fetches, k, times an expert's transfer time over one
// layer's compute time: how many layers ahead a load must start to be
// hidden), and adapts at run time: a miss raises S by one, a prefetched
// expert evicted before use (over-fetch) lowers it by one, within
// [1, max_distance]. Formula and counters as third-party summaries of the
// paper describe them.
// Eviction is LRU.
//
// The predictor is emulated from the replayed trace, as the speculative
// gate (speculative.h): a true expert d layers ahead is guessed with
// probability recall^d, since prediction accuracy decays with the
// look-ahead distance (reported as a e^(-b t) + c; the geometric decay is
// our simplification).
//
// Parameters
//   recall        double in [0, 1]  0.85  one-layer-ahead recall
//   max_distance  int >= 1          4     largest look-ahead S
#pragma once

#include <span>
#include <vector>

#include "algorithms/offload/lru.h"

namespace expertlab::offload {

class Lookahead final : public CachePolicy {
 public:
  explicit Lookahead(const Params& params);
  bool ReadsFuture() const override { return true; }
  void Start(const CacheSetup& setup, const Trace* future, Rng& rng) override;
  void OnAccess(const Access& at, int key, bool hit) override;
  void OnInsert(const Access& at, int key, bool prefetched) override;
  void OnEvict(int key) override;
  int Victim(const Access& at, std::span<const int> candidates) override;
  std::vector<int> Prefetch(const Access& at) override;

  int distance() const { return distance_; }

 private:
  double recall_;
  int max_distance_;
  int distance_ = 1;
  const Trace* future_ = nullptr;
  CacheSetup setup_;
  Rng* rng_ = nullptr;
  Recency recency_;
  std::vector<char> unused_prefetch_;
};

}  // namespace expertlab::offload
