// White-box pool adversary: reads the learner's pool at the start of each
// day and charges loss 1 to every expert the learner holds, 0 (or a fair
// coin) to every other expert.
//
// A PZ23-type strong adaptive adversary [R] (Peng & Zhang, SODA 2023, prove
// that sub-linear regret against strong adaptive adversaries needs Omega(n)
// memory; their exact adversary model was not checked, and this generator
// is ours). Any learner that plays an expert it holds pays 1 every day,
// while some expert held on a fraction at most S/n of the days exists, so
// regret >= T (1 - S/n) - ... : linear for every S = o(n). A full-memory
// learner holds everyone and suffers nothing relative to the best.
//
// Parameters
//   others  zero | fair   losses of the experts not held
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/experts/instance.h"
#include "sim/params.h"

namespace expertlab::experts {

class WhiteboxPool final : public LossSequence {
 public:
  explicit WhiteboxPool(const Params& params) : fair_(params.String("others") == "fair") {}

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  void BeginDay(int64_t day, const ExpertsLearner& learner) override;
  double Loss(int64_t day, int expert) const override;

 private:
  bool fair_;
  int num_experts_ = 0;
  uint64_t key_ = 0;
  std::vector<char> held_;
  std::vector<int> scratch_;
};

}  // namespace expertlab::experts
