// MoE-Infinity's activation-aware cache (Xue, Fu, Lu, Sun, Mai & Marina,
// "MoE-Infinity: Efficient MoE Inference on Personal Machines with
// Sparsity-Aware Expert Cache", arXiv 2401.14361 v3, §4.3-4.7, Alg. 1):
//   - an expert activation matrix (EAM, L x E counts) per request; the EAM
//     collection (EAMC) holds those of past requests (here: the first
//     `eamc` calibration requests);
//   - after each layer routes, the current request's EAM so far is matched
//     to the EAMC entry of minimum cosine distance; the prediction pEAM is
//     that entry with rows normalised and row i > l scaled by
//     (1 - (i - l) / L);
//   - prefetch: the next layer's `prefetch` experts of highest pEAM;
//   - eviction: argmin over cached (layer m, expert e) of
//     (pEAM[m][e] + eps) (1 - m / L), which protects early layers.
// Matching on the request's accumulated EAM (not the current iteration's,
// which at batch-1 decode is one token) follows the authors' open-source
// tracer; the paper's per-token count n_token is 1 at batch 1.
//
// Parameters
//   eamc      int >= 1   120  EAMC capacity (calibration requests kept)
//   prefetch  int >= 0   0    experts prefetched for the next layer (0 = top_k)
#pragma once

#include <span>
#include <vector>

#include "algorithms/offload/policy.h"
#include "sim/params.h"

namespace expertlab::offload {

class MoeInfinity final : public CachePolicy {
 public:
  explicit MoeInfinity(const Params& params);
  void Start(const CacheSetup& setup, const Trace* future, Rng& rng) override;
  void OnAccess(const Access& at, int key, bool hit) override;
  int Victim(const Access& at, std::span<const int> candidates) override;
  std::vector<int> Prefetch(const Access& at) override;

 private:
  // Recomputes pEAM from the best match of the current request's EAM.
  void Predict(int layer);

  int eamc_capacity_;
  int prefetch_;
  CacheSetup setup_;
  std::vector<std::vector<double>> eamc_;  // flattened L x E, rows normalised
  std::vector<double> current_;            // this request's counts
  std::vector<double> predicted_;          // pEAM, flattened
  std::vector<double> score_;
  int request_ = -1;
};

}  // namespace expertlab::offload
