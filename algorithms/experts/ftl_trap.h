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
  double Loss(int64_t day, int expert) const override;
  void Fill(int64_t day, Eigen::ArrayXd& losses) const override;
  bool Oblivious() const override { return true; }
};

}  // namespace expertlab::experts
