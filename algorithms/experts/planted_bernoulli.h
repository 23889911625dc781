// Planted Bernoulli instance: i.i.d. losses, every expert Bernoulli(1/2)
// except one uniformly chosen expert i* with mean 1/2 - delta.
//
// In the follow-an-expert model this is the Srinivas-Woodruff-Xu-Zhou (STOC
// 2022) hard distribution for memory-bounded learners (epsilon-DiffDist with
// a mask: day t, mask m ~ Bern(1/2), coins c_i ~ Bern(1/2 + delta [i = i*]),
// predictions c_i XOR m, outcome 1 XOR m, so l_t(i) = [c_i = 0]); with full
// memory it is a gap-delta stochastic instance. The hardest delta for a
// learner with S words is delta* = c sqrt(n / (S T)) (experiments set it).
//
// Parameters
//   delta  in (0, 1/2)   the planted expert's advantage
//
// Streaming: nothing of size n is stored. A fair expert's losses on days
// 64b+1..64b+64 are the 64 bits of one counter hash of (b, i); the planted
// expert draws a uniform per day. So one loss costs one hash, and the
// evaluator sums a fair expert over 64 days with one popcount.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/experts/instance.h"
#include "sim/params.h"

namespace expertlab::experts {

class PlantedBernoulli final : public LossSequence {
 public:
  explicit PlantedBernoulli(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  double Loss(int64_t day, int expert) const override;
  void Fill(int64_t day, Eigen::ArrayXd& losses) const override;
  double Mean(int64_t /*day*/, int expert) const override {
    return expert == planted_ ? 0.5 - delta_ : 0.5;
  }
  void FillMeans(int64_t day, Eigen::ArrayXd& means) const override;
  int Comparator() const override { return planted_; }
  bool Oblivious() const override { return true; }
  void Accumulate(int64_t first, int64_t last, Eigen::ArrayXd& cumulative) const override;

  int planted() const { return planted_; }
  double delta() const { return delta_; }
  ParamValues EffectiveParams() const override {
    return {{"delta", delta_}, {"comparator_rate", 0.5 - delta_}};
  }

 private:
  uint64_t FairWord(int64_t block, int expert) const { return CellWord(fair_key_, block, expert); }
  static uint64_t CellWord(uint64_t key, int64_t a, int b);
  bool PlantedLoss(int64_t day) const;

  double delta_;
  int num_experts_ = 0;
  int planted_ = 0;
  uint64_t fair_key_ = 0;
  uint64_t planted_key_ = 0;
  // Fill's cache: the 64-day words of every expert for one block.
  mutable int64_t cached_block_ = -1;
  mutable std::vector<uint64_t> cached_words_;
};

}  // namespace expertlab::experts
