#include "algorithms/experts/kernels.h"

#include <algorithm>
#include <cmath>

#include "sim/check.h"

// GCC contracts a*b+c into FMA by default even in ISO mode; the AVX2 and
// AVX-512 clones would then round differently from the baseline clone (and
// from ExpNonPositive elsewhere). Off for this file: every clone performs the
// same IEEE operations, so results do not depend on the machine.
#pragma GCC optimize("fp-contract=off")

namespace expertlab::experts {

namespace {

constexpr int kLanes = 8;

// Sum of lanes in a fixed order (pairwise), the same in every clone.
double SumLanes(const double (&lane)[kLanes]) {
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

}  // namespace

// Clones for AVX-512, AVX2 and the baseline; the loader picks one (ifunc).
// Every clone runs the same operations per element, and the reductions run
// over kLanes explicit lanes, so they agree bit for bit; only the vector
// width differs. Each block is first updated (the exp loop vectorises on
// its own), then summed while it is still in L1: one pass over memory.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) ExpWeightsTotals
ExpWeightsKernel(const double* losses, double* cumulative, double shift, double eta,
                 double* weights, double* block_sums, int64_t size) {
  constexpr int64_t kBlock = ExpWeights::kBlock;
  if (size == 0) return {shift, 0.0};
  double total = 0;
  double lowest[kLanes];
  for (double& m : lowest) m = cumulative[0] + (losses ? losses[0] : 0.0);
  for (int64_t first = 0; first < size; first += kBlock) {
    const int64_t len = std::min(kBlock, size - first);
    double* c = cumulative + first;
    double* w = weights + first;
    if (losses != nullptr) {
      const double* l = losses + first;
      for (int64_t i = 0; i < len; ++i) {
        c[i] += l[i];
        w[i] = ExpNonPositive(-eta * (c[i] - shift));
      }
    } else {
      for (int64_t i = 0; i < len; ++i) w[i] = ExpNonPositive(-eta * (c[i] - shift));
    }
    double sum[kLanes] = {};
    int64_t i = 0;
    for (; i + kLanes <= len; i += kLanes)
      for (int j = 0; j < kLanes; ++j) {
        sum[j] += w[i + j];
        lowest[j] = c[i + j] < lowest[j] ? c[i + j] : lowest[j];
      }
    for (int j = 0; i < len; ++i, ++j) {
      sum[j] += w[i];
      lowest[j] = c[i] < lowest[j] ? c[i] : lowest[j];
    }
    const double block_sum = SumLanes(sum);
    if (block_sums != nullptr) block_sums[first / kBlock] = block_sum;
    total += block_sum;
  }
  return {*std::min_element(lowest, lowest + kLanes), total};
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) double DotKernel(
    const double* a, const double* b, int64_t size) {
  double sum[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= size; i += kLanes)
    for (int j = 0; j < kLanes; ++j) sum[j] += a[i + j] * b[i + j];
  for (int j = 0; i < size; ++i, ++j) sum[j] += a[i] * b[i];
  return SumLanes(sum);
}

void ExpWeightsScalar(const double* losses, double* cumulative, double shift, double eta,
                      double* weights, int64_t size) {
  for (int64_t i = 0; i < size; ++i) {
    if (losses != nullptr) cumulative[i] += losses[i];
    weights[i] = std::exp(-eta * (cumulative[i] - shift));
  }
}

void IdIndex::Reset(int capacity) {
  uint32_t buckets = 4;
  while (buckets < 2u * static_cast<uint32_t>(std::max(capacity, 1))) buckets <<= 1;
  keys_.assign(buckets, -1);
  slots_.assign(buckets, -1);
  mask_ = buckets - 1;
  size_ = 0;
}

void IdIndex::Set(int id, int slot) {
  EXPERTLAB_DCHECK(id >= 0) << "IdIndex: negative id " << id;
  for (uint32_t h = Hash(id);; h = (h + 1) & mask_) {
    if (keys_[h] == id) {
      slots_[h] = slot;
      return;
    }
    if (keys_[h] < 0) {
      EXPERTLAB_CHECK(2 * (size_ + 1) <= static_cast<int>(mask_ + 1))
          << "IdIndex: more ids than the capacity it was built for";
      keys_[h] = id;
      slots_[h] = slot;
      ++size_;
      return;
    }
  }
}

void IdIndex::Erase(int id) {
  uint32_t h = Hash(id);
  while (keys_[h] != id) {
    if (keys_[h] < 0) return;
    h = (h + 1) & mask_;
  }
  // Backward-shift deletion: move later entries of the probe run into the
  // hole when their home bucket does not lie cyclically in (hole, j].
  uint32_t hole = h;
  for (uint32_t j = (hole + 1) & mask_; keys_[j] >= 0; j = (j + 1) & mask_) {
    const uint32_t home = Hash(keys_[j]);
    const bool home_in_range = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!home_in_range) {
      keys_[hole] = keys_[j];
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  keys_[hole] = -1;
  slots_[hole] = -1;
  --size_;
}

void ExpWeights::Reset(int64_t size) {
  cumulative_ = Eigen::ArrayXd::Zero(size);
  weights_.resize(size);
  Step(nullptr, 0.0, 0.0);
}

void ExpWeights::Update(const Eigen::ArrayXd& losses, double eta) {
  EXPERTLAB_DCHECK(losses.size() == size()) << "ExpWeights: size mismatch";
  const double shift = minimum_;
  Step(losses.data(), shift, eta);
  // Yesterday's minimum is a valid shift while losses are >= 0; redo with
  // the exact one if a negative loss broke that, or if the leader's weight
  // fell far enough below 1 (a loss above ~30/eta) to risk underflow.
  if (minimum_ < shift || eta * (minimum_ - shift) > 30.0) Recompute(eta);
}

void ExpWeights::Recompute(double eta) {
  // Shift by the exact minimum: the leader's weight is exactly 1 and every
  // other exponent is exact down to exp(-708), whatever eta is.
  Step(nullptr, size() > 0 ? cumulative_.minCoeff() : 0.0, eta);
}

void ExpWeights::Step(const double* losses, double shift, double eta) {
  const int64_t n = size();
  block_sums_.resize((n + kBlock - 1) / kBlock);
  const ExpWeightsTotals totals = ExpWeightsKernel(losses, cumulative_.data(), shift, eta,
                                                   weights_.data(), block_sums_.data(), n);
  minimum_ = totals.minimum;
  total_ = totals.total;
}

int64_t ExpWeights::Sample(double uniform) const {
  const int64_t n = size();
  EXPERTLAB_DCHECK(n > 0) << "ExpWeights::Sample on no items";
  double u = uniform * total_;
  int64_t block = 0;
  const int64_t blocks = block_sums_.size();
  while (block + 1 < blocks && u >= block_sums_[block]) {
    u -= block_sums_[block];
    ++block;
  }
  const int64_t first = block * kBlock;
  const int64_t last = std::min(n, first + kBlock) - 1;
  for (int64_t i = first; i < last; ++i) {
    u -= weights_[i];
    if (u < 0) return i;
  }
  // Rounding can leave u >= 0 at the block's end: take its last item with
  // positive weight (a zero-weight item is never drawn).
  for (int64_t i = last; i > first; --i)
    if (weights_[i] > 0) return i;
  return first;
}

}  // namespace expertlab::experts
