// Random-order adversarial instance: an adversary fixes T days of a
// non-stationary sequence, then their order is shuffled uniformly (the
// SWXZ22 random-order model); order=sorted keeps the adversary's order (an
// oblivious non-stationary sequence) for comparison.
//
// The fixed days (our construction [R], Srinivas-Woodruff-Xu-Zhou, STOC
// 2022 define only the model): K phases of T/K consecutive days. Expert i*
// (uniform) has mean 1/2 - delta on every day. Every other expert belongs
// to one of K groups (by a hash of its id); in its own phase it is a decoy
// with mean 1/2 - 2 delta, in the other phases 1/2 + 2 delta / (K - 1), so
// its average is exactly 1/2 and i* is the best expert, yet in sorted
// order each phase has a leader group better than i*. Shuffled, every
// day's mean vector is a uniformly random one of the T fixed days.
//
// Parameters
//   delta   (0, 1/4)            i*'s advantage (decoys get 2 delta)
//   phases  int >= 2            K
//   order   shuffled | sorted   random order, or the adversary's order
//
// Memory of the generator: the permutation of days (T words); losses are
// hashed on demand from (day, expert).
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/experts/instance.h"
#include "sim/params.h"

namespace expertlab::experts {

class RandomOrder final : public LossSequence {
 public:
  explicit RandomOrder(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  double Loss(int64_t day, int expert) const override;
  double Mean(int64_t day, int expert) const override;
  int Comparator() const override { return planted_; }
  bool Oblivious() const override { return true; }

  // The adversary's day shown on `day` (1-based both).
  int64_t SourceDay(int64_t day) const { return shuffled_ ? order_[day - 1] : day; }
  int Group(int expert) const;
  ParamValues EffectiveParams() const override {
    return {{"delta", delta_},
            {"phases", static_cast<double>(phases_)},
            {"comparator_rate", 0.5 - delta_}};
  }
  int Phase(int64_t source_day) const;

 private:
  double delta_;
  int phases_;
  bool shuffled_;
  int num_experts_ = 0;
  int64_t horizon_ = 0;
  int planted_ = 0;
  uint64_t key_ = 0;
  uint64_t group_key_ = 0;
  std::vector<int64_t> order_;
};

}  // namespace expertlab::experts
