#include "algorithms/experts/pool.h"

#include <algorithm>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::experts {

void Pool::Reset(int capacity, int stats) {
  EXPERTLAB_CHECK(capacity >= 0 && stats >= 0) << "Pool: bad shape";
  capacity_ = capacity;
  size_ = 0;
  ids_.clear();
  ids_.reserve(capacity);
  stats_ = Eigen::ArrayXXd::Zero(std::max(capacity, 1), std::max(stats, 0));
  index_.Reset(capacity);
}

int Pool::Add(int expert) {
  EXPERTLAB_CHECK(size_ < capacity_) << "Pool: add to a full pool";
  EXPERTLAB_DCHECK(!Contains(expert)) << "Pool: expert already in the pool";
  const int slot = size_++;
  ids_.push_back(expert);
  stats_.row(slot).setZero();
  index_.Set(expert, slot);
  return slot;
}

void Pool::Remove(int slot) {
  EXPERTLAB_DCHECK(slot >= 0 && slot < size_) << "Pool: bad slot " << slot;
  const int last = size_ - 1;
  index_.Erase(ids_[slot]);
  if (slot != last) {
    ids_[slot] = ids_[last];
    stats_.row(slot) = stats_.row(last);
    index_.Set(ids_[slot], slot);
  }
  ids_.pop_back();
  --size_;
}

void Pool::Clear() {
  for (int id : ids_) index_.Erase(id);
  ids_.clear();
  size_ = 0;
}

int Pool::AddFresh(int count, int num_experts, Rng& rng, const std::vector<const Pool*>& exclude) {
  int taken = size_;
  for (const Pool* other : exclude) taken += other->size();
  auto used = [&](int expert) {
    if (Contains(expert)) return true;
    for (const Pool* other : exclude)
      if (other->Contains(expert)) return true;
    return false;
  };
  const int wanted = std::min({count, capacity_ - size_, num_experts - taken});
  if (wanted <= 0) return 0;
  const int before = size_;
  if (2 * (taken + wanted) <= num_experts) {
    // Sparse: rejection keeps draws uniform over the unused experts; each
    // draw succeeds with probability >= 1/2.
    while (size_ - before < wanted) {
      const int expert = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(num_experts)));
      if (!used(expert)) Add(expert);
    }
  } else {
    // Dense: list the unused experts and take a uniform subset of them.
    std::vector<int> unused;
    unused.reserve(num_experts - taken);
    for (int i = 0; i < num_experts; ++i)
      if (!used(i)) unused.push_back(i);
    const std::vector<uint64_t> picks = SampleWithoutReplacement(rng, unused.size(), wanted);
    for (uint64_t k : picks) Add(unused[k]);
  }
  return size_ - before;
}

}  // namespace expertlab::experts

namespace expertlab::experts {

void CheckMemoryBudget(const char* learner, int64_t memory, int num_experts) {
  EXPERTLAB_CHECK(memory >= 1) << learner << ": memory S must be >= 1 word, got " << memory;
  EXPERTLAB_CHECK(memory <= num_experts)
      << learner << ": memory S = " << memory << " exceeds the number of "
      << "experts n = " << num_experts << " (S must be in [1, n])";
}

}  // namespace expertlab::experts

namespace expertlab::experts {

double PoolWeights(const Pool& pool, int stat, double eta, Eigen::ArrayXd& weights) {
  const int size = pool.size();
  weights.resize(size);
  if (size == 0) return 0.0;
  const auto values = pool.Stat(stat);
  // The kernel only reads `cumulative` when losses is null; it takes a
  // mutable pointer because the other mode writes it.
  return ExpWeightsKernel(nullptr, const_cast<double*>(values.data()), values.minCoeff(), eta,
                          weights.data(), nullptr, size)
      .total;
}

int SampleLinear(const Eigen::ArrayXd& weights, double total, double uniform) {
  const int size = static_cast<int>(weights.size());
  EXPERTLAB_DCHECK(size > 0) << "SampleLinear on nothing";
  double u = uniform * total;
  for (int i = 0; i + 1 < size; ++i) {
    u -= weights[i];
    if (u < 0) return i;
  }
  for (int i = size - 1; i > 0; --i)
    if (weights[i] > 0) return i;
  return 0;
}

}  // namespace expertlab::experts
