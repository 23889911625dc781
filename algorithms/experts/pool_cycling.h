// Deterministic pool cycling: track a block of S consecutive expert ids,
// follow the smallest-id member still alive, delete a member as soon as it
// errs, and move to the next block (cyclically, all members alive again)
// when the block is empty.
//
// Reference: the "natural deterministic algorithm" of D. P. Woodruff, F.
// Zhang, S. Zhou, "Streaming algorithms for learning with experts:
// deterministic versus robust", arXiv 2303.01709 (NeurIPS 2023 as "On
// robust streaming for learning with experts: algorithms and lower
// bounds"), which cycles through pools until every pool expert has erred;
// they show it is optimal up to polylog among deterministic algorithms,
// with regret about n M / S when the best expert errs M times
// (theory::PoolCyclingRegret). In the binary-prediction model the block
// predicts by majority vote; in this follow-an-expert model a deterministic
// learner follows one alive member (any alive member is correct whenever
// the majority would be, on days the best expert is right).
//
// Parameters
//   memory         int >= 1 (<= n)  S: block size (one alive flag per id)
//   err_threshold  (0, 1]           an expert errs on a day its loss is >= this
//
// Memory: S words (the block's alive flags; the block index is O(1)).
#pragma once

#include <algorithm>
#include <vector>

#include "algorithms/experts/learner.h"
#include "sim/params.h"

namespace expertlab::experts {

class PoolCycling final : public ExpertsLearner {
 public:
  explicit PoolCycling(const Params& params);

  void Start(int num_experts, int64_t horizon, Rng rng) override;
  int Act() override { return current_; }
  double ExpectedLoss(const LossView& losses) const override { return losses[current_]; }
  void Observe(const LossView& losses) override;
  int64_t MemoryBudget() const override { return memory_; }
  int64_t MemoryWords() const override { return block_size_; }
  bool Holds(int expert) const override {
    return expert >= first_ && expert < first_ + block_size_;
  }

  int64_t blocks_visited() const { return blocks_visited_; }
  // The first block's size (the last block of a cycle may be shorter).
  ParamValues EffectiveParams() const override {
    return {{"pool", static_cast<double>(std::min<int64_t>(memory_, num_experts_))}};
  }

 private:
  void EnterBlock(int first);

  int64_t memory_;
  double err_threshold_;
  int num_experts_ = 0;
  int first_ = 0;       // first id of the current block
  int block_size_ = 0;  // ids first_ .. first_ + block_size_ - 1
  std::vector<char> alive_;
  int current_ = 0;
  int64_t blocks_visited_ = 0;
};

}  // namespace expertlab::experts
