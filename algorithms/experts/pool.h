// A bounded pool of tracked experts, the building block of every
// low-memory learner here: at most `capacity` expert ids, each with a fixed
// number of statistics (one word each, see learner.h), stored column-wise
// so per-statistic updates are vectorised Eigen operations, plus an id
// index for O(1) membership (Holds) checks.
//
// Removal swaps the last slot into the hole, so slot numbers change; ids
// are stable. Fresh experts are drawn uniformly from those not in the pool.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "algorithms/experts/kernels.h"
#include "sim/rng.h"

namespace expertlab::experts {

class Pool {
 public:
  // Empty pool of at most `capacity` experts with `stats` statistics each.
  void Reset(int capacity, int stats);

  int size() const { return size_; }
  int capacity() const { return capacity_; }
  bool full() const { return size_ == capacity_; }
  int stats() const { return static_cast<int>(stats_.cols()); }
  // Words kept: one per statistic per tracked expert (at least one).
  int64_t Words() const { return static_cast<int64_t>(size_) * std::max<int64_t>(1, stats()); }

  int id(int slot) const { return ids_[slot]; }
  const std::vector<int>& ids() const { return ids_; }
  // Slot of `expert`, or -1.
  int SlotOf(int expert) const { return index_.Find(expert); }
  bool Contains(int expert) const { return index_.Contains(expert); }

  // Statistic k of every slot (only the first size() entries are live).
  Eigen::Ref<Eigen::ArrayXd> Stat(int k) { return stats_.col(k).head(size_); }
  Eigen::Ref<const Eigen::ArrayXd> Stat(int k) const { return stats_.col(k).head(size_); }
  double& At(int slot, int k) { return stats_(slot, k); }
  double At(int slot, int k) const { return stats_(slot, k); }

  // Adds `expert` (not yet in the pool, pool not full) with zero
  // statistics; returns its slot.
  int Add(int expert);
  // Removes the expert in `slot`; the last slot moves into it.
  void Remove(int slot);
  void Clear();

  // Adds up to `count` fresh experts drawn uniformly from the experts in
  // neither this pool nor the `exclude` pools (fewer if the pool fills or
  // none is left). Returns how many were added.
  int AddFresh(int count, int num_experts, Rng& rng, const std::vector<const Pool*>& exclude = {});

 private:
  int capacity_ = 0;
  int size_ = 0;
  std::vector<int> ids_;
  Eigen::ArrayXXd stats_;
  IdIndex index_;
};

}  // namespace expertlab::experts

namespace expertlab::experts {

// Start-time check shared by bounded-memory learners: their budget S (in
// words) must satisfy 1 <= S <= n (S > n would be a full-memory learner in
// disguise; the experiments also check this before building a learner).
void CheckMemoryBudget(const char* learner, int64_t memory, int num_experts);

}  // namespace expertlab::experts

namespace expertlab::experts {

// weights[s] = exp(-eta (stat_s - min stat)) over the pool's slots (the
// leader gets 1); returns the total. Empty pool: empty weights, total 0.
double PoolWeights(const Pool& pool, int stat, double eta, Eigen::ArrayXd& weights);

// Index drawn with probability weights[i] / total (linear scan: pools are
// small); zero-weight entries are never returned.
int SampleLinear(const Eigen::ArrayXd& weights, double total, double uniform);

}  // namespace expertlab::experts
