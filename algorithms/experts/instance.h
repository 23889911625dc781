// Family interface: loss sequences for the experts problem (oblivious
// sequences, stochastic instances and adaptive adversaries).
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "sim/rng.h"

namespace expertlab::experts {

class LossSequence {
 public:
  static constexpr const char* kFamily = "experts instance";
  virtual ~LossSequence() = default;

  virtual void Start(int num_experts, int64_t horizon, Rng rng) = 0;
  // Writes day t's losses (t = 1..T) into `losses` (size n, values in
  // [0, 1]). May depend on actions seen so far, never on today's.
  virtual void Next(int64_t day, Eigen::ArrayXd& losses) = 0;
  // Adaptive adversaries see the expert played on `day` after it is played.
  virtual void SeeAction(int64_t /*day*/, int /*expert*/) {}
};

}  // namespace expertlab::experts
