// Shared base of the low-memory learners that keep an *active* pool (the
// experts they play) and a *candidate* pool (experts on probation): the
// PZ23-inspired baseline pool and the PR23-inspired multiscale and robust
// pools. It owns the two pools and does their memory accounting and
// membership (what the harness meters and enforces, learner.h).
//
// HedgeOnActivePool adds the play rule the baseline and multiscale pools
// share: Hedge weights exp(-eta L_i) on the active pool's statistic 0, and a
// uniformly random candidate while nothing has been admitted yet.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "algorithms/experts/learner.h"
#include "algorithms/experts/pool.h"

namespace expertlab::experts {

class TwoPoolLearner : public ExpertsLearner {
 public:
  int64_t MemoryBudget() const override { return memory_; }
  int64_t MemoryWords() const override { return active_.Words() + candidates_.Words(); }
  bool Holds(int expert) const override {
    return active_.Contains(expert) || candidates_.Contains(expert);
  }
  void HeldExperts(int num_experts, std::vector<int>& out) const override;

  const Pool& active() const { return active_; }

 protected:
  explicit TwoPoolLearner(int64_t memory) : memory_(memory) {}

  int64_t memory_;
  Pool active_;
  Pool candidates_;
  Rng rng_{0, 0, 0, 0};
};

class HedgeOnActivePool : public TwoPoolLearner {
 public:
  int Act() override;
  double ExpectedLoss(const LossView& losses) const override;

 protected:
  using TwoPoolLearner::TwoPoolLearner;
  // Recomputes the weights from the active pool's statistic 0 and eta_.
  void Reweigh();

  double eta_ = 0;

 private:
  Eigen::ArrayXd weights_;
  double total_ = 0;
};

}  // namespace expertlab::experts
