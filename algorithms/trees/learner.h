// The expertise-trees family: learners for contextual bandits with expert
// advice (environment.h). In each round a learner sees the first g context
// columns and every expert's advice, chooses one of K classes, and is told
// only whether that choice was right (reward 1) or not (0).
//
// Invariants every learner keeps (tests/algorithms/trees/conformance.h):
//   - Choose returns an arm in [0, K);
//   - it draws only from the Rng given to Start, so its choices depend only
//     on (problem, rounds, that stream);
//   - it reads the round's region only if UsesRegions() (the oracle); the
//     harness hides it (-1) from every other learner.
// PlayBandit is the harness: it runs a learner over an AdviceBandit's
// horizon, checks each arm, and times Choose + Observe (thread CPU time,
// as the authors time their learners).
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/trees/environment.h"
#include "sim/rng.h"

namespace expertlab::trees {

class AdviceLearner {
 public:
  static constexpr const char* kFamily = "advice learner";
  virtual ~AdviceLearner() = default;

  virtual void Start(const Problem& problem, Rng rng) = 0;
  virtual int Choose(const RoundView& round) = 0;
  // The round just chosen in, the arm chosen and its reward.
  virtual void Observe(const RoundView& round, int arm, double reward) = 0;
  virtual bool UsesRegions() const { return false; }
};

struct PlayResult {
  std::vector<int64_t> steps;  // the checkpoints reached
  std::vector<double> reward;  // cumulative reward at each checkpoint
  double seconds = 0;          // thread CPU time of Start, Choose and Observe
};

// Plays rounds 0..T-1 with a learner that sees `dims` columns; records the
// cumulative reward after round t at every t in `checkpoints` (1-based,
// increasing). An arm outside [0, K) is an error.
PlayResult PlayBandit(AdviceLearner& learner, const AdviceBandit& bandit, int dims, Rng rng,
                      const std::vector<int64_t>& checkpoints);

// Picks uniformly among `tied` (non-empty): how every greedy learner of the
// family splits ties.
int PickTied(const std::vector<int>& tied, Rng& rng);

}  // namespace expertlab::trees
