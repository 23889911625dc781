// The alternating sequence that makes follow-the-leader suffer linear
// regret: day 1 = (1/2, 0), then (0, 1), (1, 0), (0, 1), ... on experts 0
// and 1; every other expert loses 1 every day. Cesa-Bianchi & Lugosi,
// "Prediction, Learning, and Games", 2006, §4.3. Deterministic, oblivious.
// No parameters. Needs n >= 2.
#pragma once

#include "algorithms/experts/instance.h"
#include "sim/params.h"

namespace expertlab::experts {

class FtlTrap final : public LossSequence {
 public:
  explicit FtlTrap(const Params& /*params*/) {}
  void Start(int num_experts, int64_t horizon, Rng rng) override;
  void Next(int64_t day, Eigen::ArrayXd& losses) override;
};

}  // namespace expertlab::experts
