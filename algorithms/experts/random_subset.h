// Random-subset Hedge: fix S experts drawn uniformly without replacement
// on day 1 and run Hedge on them forever. The "no exploration" baseline.
//
// Reference: the trivial low-memory baseline of the memory-regret
// literature (e.g. Srinivas, Woodruff, Xu, Zhou, "Memory bounds for the
// experts problem", STOC 2022). On the planted instance (gap delta) its
// expected regret is about (1 - S/n) delta T + sqrt(T ln S / 2)
// (theory::RandomSubsetRegret): linear in T unless the subset holds i*.
//
// Parameters
//   memory  int >= 1 (<= n)   S: words = experts tracked
//   eta     auto | > 0        Hedge rate on the subset; auto = sqrt(8 ln S/T)
//
// Memory: S words (one cumulative loss per tracked expert).
#pragma once

#include <optional>
#include <vector>

#include "algorithms/experts/kernels.h"
#include "algorithms/experts/learner.h"
#include "sim/params.h"

namespace expertlab::experts {

class RandomSubset final : public ExpertsLearner {
 public:
  explicit RandomSubset(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  int Act() override;
  double ExpectedLoss(const LossView& losses) const override;
  void Observe(const LossView& losses) override;
  int64_t MemoryBudget() const override { return memory_; }
  int64_t MemoryWords() const override { return static_cast<int64_t>(ids_.size()); }
  bool Holds(int expert) const override { return index_.Contains(expert); }
  void HeldExperts(int num_experts, std::vector<int>& out) const override;

  const std::vector<int>& subset() const { return ids_; }
  ParamValues EffectiveParams() const override {
    return {{"pool", static_cast<double>(ids_.size())}, {"eta", eta_}};
  }

 private:
  int64_t memory_;
  std::optional<double> fixed_eta_;
  double eta_ = 0;
  std::vector<int> ids_;
  IdIndex index_;
  ExpWeights weights_;
  Eigen::ArrayXd today_;  // scratch: today's losses of the subset
  Rng rng_{0, 0, 0, 0};
};

}  // namespace expertlab::experts
