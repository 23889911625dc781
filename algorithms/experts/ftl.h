// Follow-the-leader: play argmin_i L_{t-1}(i), ties to the smallest index.
//
// The classic cautionary baseline: zero-regret-ish on stochastic instances
// with a gap, linear regret on the alternating sequence (ftl_trap); see
// Cesa-Bianchi & Lugosi, "Prediction, Learning, and Games", 2006, §4.3.
// No parameters. Memory: one cumulative loss per expert (n words).
#pragma once

#include <Eigen/Core>

#include "algorithms/experts/learner.h"
#include "sim/params.h"

namespace expertlab::experts {

class FollowTheLeader final : public FullMemoryLearner {
 public:
  explicit FollowTheLeader(const Params& /*params*/) {}

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  int Act() override { return leader_; }
  double ExpectedLoss(const LossView& losses) const override { return losses[leader_]; }
  void Observe(const LossView& losses) override;

 private:
  Eigen::ArrayXd cumulative_;
  int leader_ = 0;
};

}  // namespace expertlab::experts
