// Family interface: online learning with expert advice, full information,
// under an explicit memory model.
//
// Each day t the learner plays an expert i_t, then sees the day's losses
// l_t in [0,1]^n. A learner declares a memory budget in words and the
// harness (game.h) holds it to that budget between days.
//
// Memory model. One word = one tracked expert's id plus one statistic
// (a weight, a counter or a cumulative loss), as in Srinivas-Woodruff-Xu-
// Zhou (STOC 2022), where such a word is O(log nT) bits; O(1) scalars are
// free. A learner that keeps two statistics per expert pays two words per
// expert. Learners whose budget is below n may read only the losses of the
// experts they hold at the moment of the read (a newly sampled expert is
// tracked from the day it joins); LossView enforces this on every read, so a
// learner cannot even look at an expert it does not hold.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "sim/check.h"
#include "sim/rng.h"
#include "sim/spec.h"

namespace expertlab::experts {

class ExpertsLearner;

// A day's losses produced one expert at a time (streaming instances), so a
// bounded-memory learner never forces an n-vector into existence.
class LossSource {
 public:
  virtual ~LossSource() = default;
  virtual double At(int expert) const = 0;
};

// One day's loss vector as a given learner may read it: either a dense
// vector (full-memory learners, or when the harness has it anyway) or an
// on-demand source.
class LossView {
 public:
  LossView(const Eigen::ArrayXd& losses, const ExpertsLearner& reader, bool full_access)
      : dense_(&losses),
        size_(static_cast<int>(losses.size())),
        reader_(reader),
        full_access_(full_access) {}
  LossView(const LossSource& source, int num_experts, const ExpertsLearner& reader)
      : source_(&source), size_(num_experts), reader_(reader), full_access_(false) {}
  // The same day's losses for a bounded-memory part of the reader (e.g. one
  // copy inside a learner made of several), checked against the part's own
  // holdings: a part holds a subset of what its owner holds, so this never
  // widens access, and each read costs the part's membership test only.
  LossView(const LossView& owner_view, const ExpertsLearner& part)
      : dense_(owner_view.dense_),
        source_(owner_view.source_),
        size_(owner_view.size_),
        reader_(part),
        full_access_(false) {}

  int size() const { return size_; }
  // Loss of one expert; a bounded-memory learner may only read those it holds.
  double operator[](int expert) const;
  // True when the whole vector may be read at once (full-memory learner).
  bool HasAll() const { return full_access_ && dense_ != nullptr; }
  // The whole vector, for learners that keep a statistic for every expert.
  const Eigen::ArrayXd& All() const {
    EXPERTLAB_CHECK(full_access_) << "a learner with memory below n read the whole loss vector";
    EXPERTLAB_CHECK(dense_ != nullptr) << "the whole loss vector is not available on this view";
    return *dense_;
  }
  // Single-expert reads so far (a meter for tests and benchmarks).
  int64_t reads() const { return reads_; }

 private:
  const Eigen::ArrayXd* dense_ = nullptr;
  const LossSource* source_ = nullptr;
  int size_;
  const ExpertsLearner& reader_;
  bool full_access_;
  mutable int64_t reads_ = 0;
};

// EffectiveParams (sim/spec.h): the values in use after Start, e.g. the
// delta an `auto` resolved to or how the budget S was split into pools.
class ExpertsLearner : public HasEffectiveParams {
 public:
  static constexpr const char* kFamily = "experts learner";

  // Before day 1. `horizon` is T (learners tuned to T may use it); `rng` is
  // the learner's own stream. Throws Error when the learner cannot run with
  // n experts (e.g. a memory budget above n).
  virtual void Start(int num_experts, int64_t horizon, Rng rng) = 0;
  // The expert played today, drawn from today's distribution p_t.
  virtual int Act() = 0;
  // <p_t, l_t>: today's expected loss, for pseudo-regret. Called before
  // Observe, possibly several times (with realised and with mean losses).
  virtual double ExpectedLoss(const LossView& losses) const = 0;
  // Sees today's losses and updates.
  virtual void Observe(const LossView& losses) = 0;

  // Declared budget and current use, in words.
  virtual int64_t MemoryBudget() const = 0;
  virtual int64_t MemoryWords() const = 0;
  // May the learner read this expert's loss now?
  virtual bool Holds(int expert) const = 0;
  // The experts held now, for white-box adversaries (default: ask Holds for
  // each of the n experts; pool learners list their pool in O(S)).
  virtual void HeldExperts(int num_experts, std::vector<int>& out) const {
    out.clear();
    for (int i = 0; i < num_experts; ++i)
      if (Holds(i)) out.push_back(i);
  }
};

// Base of the learners that track every expert: every loss readable; they
// are charged one word for every number they keep per expert (Start sets
// words_: e.g. 2n + n/256 for exponential weights, which cache each
// expert's weight beside its cumulative loss), and their budget is what
// they keep. Subclasses set num_experts_ and words_ in Start.
class FullMemoryLearner : public ExpertsLearner {
 public:
  int64_t MemoryBudget() const override { return words_; }
  int64_t MemoryWords() const override { return words_; }
  bool Holds(int /*expert*/) const override { return true; }

 protected:
  int num_experts_ = 0;
  int64_t words_ = 0;
};

inline double LossView::operator[](int expert) const {
  EXPERTLAB_DCHECK(expert >= 0 && expert < size_) << "expert " << expert << " out of range";
  EXPERTLAB_CHECK(full_access_ || reader_.Holds(expert))
      << "learner read the loss of expert " << expert << ", which it does not hold";
  ++reads_;
  return dense_ != nullptr ? (*dense_)[expert] : source_->At(expert);
}

}  // namespace expertlab::experts
