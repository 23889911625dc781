// Planted Bernoulli instance: i.i.d. losses, every expert Bernoulli(1/2)
// except one uniformly chosen expert i* with mean 1/2 - delta.
//
// In the follow-an-expert model this is the Srinivas-Woodruff-Xu-Zhou (STOC
// 2022) hard distribution for memory-bounded learners (ε-DiffDist with a
// mask); with full memory it is a gap-delta stochastic instance.
//
// Parameters
//   delta  in (0, 1/2)   the planted expert's advantage
#pragma once

#include "algorithms/experts/instance.h"
#include "sim/params.h"

namespace expertlab::experts {

class PlantedBernoulli final : public LossSequence {
 public:
  explicit PlantedBernoulli(const Params& params)
      : delta_(params.Double("delta")) {}

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  void Next(int64_t day, Eigen::ArrayXd& losses) override;
  int planted() const { return planted_; }

 private:
  double delta_;
  int planted_ = 0;
  Rng rng_{0, 0, 0, 0};
};

}  // namespace expertlab::experts
