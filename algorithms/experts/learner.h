// Family interface: online learning with expert advice, full information,
// under an explicit memory model.
//
// Each day t the learner plays an expert i_t, then sees the day's losses
// l_t in [0,1]^n. A learner declares a memory budget in words (one tracked
// expert = its id plus one statistic; O(1) scalars are free) and the harness
// (game.h) holds it to that budget between days. Learners whose budget is
// below n may read only the losses of the experts they hold: LossView
// enforces it.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "sim/check.h"
#include "sim/rng.h"

namespace expertlab::experts {

class ExpertsLearner;

// One day's loss vector as a given learner may read it.
class LossView {
 public:
  LossView(const Eigen::ArrayXd& losses, const ExpertsLearner& reader,
           bool full_access)
      : losses_(losses), reader_(reader), full_access_(full_access) {}

  int size() const { return static_cast<int>(losses_.size()); }
  // Loss of one expert; a bounded-memory learner may only read those it holds.
  double operator[](int expert) const;
  // The whole vector, for learners that keep a statistic for every expert.
  const Eigen::ArrayXd& All() const {
    EXPERTLAB_CHECK(full_access_)
        << "a learner with memory below n read the whole loss vector";
    return losses_;
  }

 private:
  const Eigen::ArrayXd& losses_;
  const ExpertsLearner& reader_;
  bool full_access_;
};

class ExpertsLearner {
 public:
  static constexpr const char* kFamily = "experts learner";
  virtual ~ExpertsLearner() = default;

  // Before day 1. `horizon` is T (learners tuned to T may use it); `rng` is
  // the learner's own stream.
  virtual void Start(int num_experts, int64_t horizon, Rng rng) = 0;
  // The expert played today, drawn from today's distribution p_t.
  virtual int Act() = 0;
  // <p_t, l_t>: today's expected loss, for pseudo-regret.
  virtual double ExpectedLoss(const LossView& losses) const = 0;
  // Sees today's losses and updates.
  virtual void Observe(const LossView& losses) = 0;

  // Declared budget and current use, in words.
  virtual int64_t MemoryBudget() const = 0;
  virtual int64_t MemoryWords() const = 0;
  // May the learner read this expert's loss today?
  virtual bool Holds(int expert) const = 0;
};

inline double LossView::operator[](int expert) const {
  EXPERTLAB_DCHECK(expert >= 0 && expert < size())
      << "expert " << expert << " out of range";
  EXPERTLAB_CHECK(full_access_ || reader_.Holds(expert))
      << "learner read the loss of expert " << expert
      << ", which it does not hold";
  return losses_[expert];
}

}  // namespace expertlab::experts
