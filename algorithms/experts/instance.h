// Family interface: loss sequences for the experts problem (oblivious
// sequences, stochastic instances and adaptive adversaries).
//
// Losses are served one expert at a time (Loss) so that instances with huge
// n*T can be generated on demand from counter-based hashes, and a bounded-
// memory learner costs O(S) per day, not O(n). Dense vectors (Fill) are
// produced only when someone needs all n losses (full-memory learners, the
// exact evaluator).
//
// Protocol per day t = 1..T (game.h): BeginDay(t, learner) -> learner acts
// -> losses of day t are read -> SeeAction(t, i_t). Everything about day t
// is fixed in BeginDay, before the action: an adaptive adversary reacts to
// past actions (SeeAction) or to the learner's state at the start of the
// day (white-box), never to today's draw.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "sim/rng.h"
#include "sim/spec.h"

namespace expertlab::experts {

class ExpertsLearner;

// EffectiveParams (sim/spec.h): the values in use after Start. Instances
// with a planted comparator report its mean loss per day as
// "comparator_rate" (the alpha = M/T of SWXZ22's "M known" learner).
class LossSequence : public HasEffectiveParams {
 public:
  static constexpr const char* kFamily = "experts instance";

  virtual void Start(int num_experts, int64_t horizon, Rng rng) = 0;
  // Fixes day `day`'s losses; adaptive adversaries may look at the
  // learner's public state (Holds, HeldExperts) here.
  virtual void BeginDay(int64_t /*day*/, const ExpertsLearner& /*learner*/) {}
  // Loss in [0, 1] of `expert` on `day` (the day last begun; oblivious
  // sequences answer for any day). The same value on every call.
  virtual double Loss(int64_t day, int expert) const = 0;
  // All n losses of `day` into `losses` (already of size n).
  virtual void Fill(int64_t day, Eigen::ArrayXd& losses) const;
  // Adaptive adversaries see the expert played on `day` after it is played.
  virtual void SeeAction(int64_t /*day*/, int /*expert*/) {}

  // The expected loss of `expert` on `day` given the past (the planted
  // mean), for pseudo-regret against planted means; deterministic sequences
  // return the loss itself.
  virtual double Mean(int64_t day, int expert) const { return Loss(day, expert); }
  // The expert whose expected total loss is smallest by construction (the
  // planted expert), or -1 when no expert is designated.
  virtual int Comparator() const { return -1; }
  // All n means of `day` (default: Mean in a loop).
  virtual void FillMeans(int64_t day, Eigen::ArrayXd& means) const;

  // True when no loss depends on the learner (oblivious or stochastic
  // sequences): then Loss and Accumulate may be called for any day, in any
  // order, and the evaluator need not replay every day densely.
  virtual bool Oblivious() const { return false; }
  // cumulative += sum_{t=first}^{last} l_t over all n experts. Only for
  // oblivious sequences; the default calls Fill day by day, instances with
  // structure (fair coin bits) do it much faster.
  virtual void Accumulate(int64_t first, int64_t last, Eigen::ArrayXd& cumulative) const;
};

}  // namespace expertlab::experts
