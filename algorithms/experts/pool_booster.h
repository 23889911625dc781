// Pool booster (PR23-inspired): J copies of the single-scale baseline pool
// at doubling epoch lengths B_j = 2^j B_0 (every other doubling, or every
// third, when S is too small for all), each with S/J words, combined by an
// outer Hedge over the J copies' expected losses.
//
// Inspired by B. Peng and A. Rubinstein, "Near optimal memory-regret
// tradeoff for online learning", FOCS 2023 (arXiv 2303.01673), whose
// oblivious-adversary algorithm nearly matches the SWXZ22 lower bound
// R = Omega(sqrt(nT/S)) by "boosting" a single-scale baseline across
// scales. PR23's algorithm text was NOT available to us (only the
// abstract); this is our reading of the "baseline + boosting" summary of
// the line [R], not PR23's algorithm.
//
// Why several scales: a single-scale pool (baseline_pool.h) can single out
// an expert with gap delta only at epochs B >= B*(delta) ~ margin^2 ln(ST)
// / delta^2, and then pays ~ delta (n/m) B to sweep the experts; tuned to
// T alone (B = (T m/n)^{2/3}) it pays T^{2/3} (n/m)^{1/3}. The copy whose
// B_j is the first scale >= B*(delta) pays delta (n/m_j) B_j ~ 2 (n J/S)
// margin^2 ln(ST) / delta: polylog in T. Once it holds i* its pool shrinks
// to i* (the fair members fall behind the algorithm by delta B_j > theta)
// and it stops paying. The outer Hedge over J copies with eta =
// sqrt(8 ln J / T) pays at most sqrt(T ln J / 2) against the best copy
// (Cesa-Bianchi & Lugosi 2006, Thm 2.2). So on a planted instance with a
// fixed gap
//   R_T <~ 2 delta (n J / S) B*(delta) + sqrt(T ln J / 2),
// slope 1/2 in T once the second term dominates (the first is constant
// in T up to its log): PR23's sqrt(T) shape, reached through the outer
// Hedge. At delta*(S) = c sqrt(n/(ST)) the first term is ~ sqrt(nT/S).
//
// Parameters
//   memory           int >= 5 (<= n)  S words: J outer statistics + J copies
//   base_epoch       int >= 1         B_0, the shortest epoch when every
//                                     doubling gets a copy
//   scales           auto | int >= 1  J; auto = the doublings of B_0 up to
//                                     T/4 (at least 4 epochs per copy),
//                                     capped at floor((S + 1)/5) (each copy
//                                     needs 4 words, the outer Hedge 1 per
//                                     copy); when capped, the copies keep
//                                     the longest epoch and step down by
//                                     2^step
//   margin           > 0              each copy's theta multiplier
//   active_fraction  (0, 1)           each copy's active share
//
// Memory: J outer cumulative losses plus every copy's words (each copy's
// budget is floor((S - J) / J)); the harness meters the sum.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "algorithms/experts/kernels.h"
#include "algorithms/experts/learner.h"
#include "sim/params.h"

namespace expertlab::experts {

class PoolBooster final : public ExpertsLearner {
 public:
  explicit PoolBooster(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  int Act() override;
  double ExpectedLoss(const LossView& losses) const override;
  void Observe(const LossView& losses) override;
  int64_t MemoryBudget() const override { return memory_; }
  int64_t MemoryWords() const override;
  bool Holds(int expert) const override;
  void HeldExperts(int num_experts, std::vector<int>& out) const override;

  int scales() const { return static_cast<int>(copies_.size()); }
  const ExpertsLearner& copy(int j) const { return *copies_[static_cast<size_t>(j)]; }
  // Today's outer weight of copy j, and copy j's expected loss so far.
  double CopyProbability(int j) const { return outer_.Probability(j); }
  double CopyLoss(int j) const { return outer_.cumulative()[j]; }
  ParamValues EffectiveParams() const override;

 private:
  int64_t memory_;
  int64_t base_epoch_;
  std::optional<double> fixed_scales_;
  double margin_;
  double active_fraction_;

  std::vector<std::unique_ptr<ExpertsLearner>> copies_;  // baseline pools
  int64_t Epoch(int j) const {
    return top_epoch_ >> ((num_scales_ - 1 - j) * step_);
  }

  int64_t copy_memory_ = 0;
  int step_ = 1;  // log2 of the ratio between neighbouring epochs
  int64_t top_epoch_ = 0;
  int num_scales_ = 1;
  double eta_ = 0;
  ExpWeights outer_;         // over the J copies
  Eigen::ArrayXd today_;     // each copy's <p_j, l_t>
  Rng rng_{0, 0, 0, 0};
};

}  // namespace expertlab::experts
