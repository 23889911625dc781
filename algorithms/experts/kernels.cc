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

// Clones for AVX-512, AVX2 and the baseline; the loader picks one (ifunc).
// Every clone runs the same operations per element, so they agree bit for
// bit; only the vector width differs.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void ExpWeightsKernel(const double* losses, double* cumulative, double shift,
                      double eta, double* weights, int64_t size) {
  if (losses != nullptr) {
    for (int64_t i = 0; i < size; ++i) {
      const double c = cumulative[i] + losses[i];
      cumulative[i] = c;
      weights[i] = ExpNonPositive(-eta * (c - shift));
    }
  } else {
    for (int64_t i = 0; i < size; ++i)
      weights[i] = ExpNonPositive(-eta * (cumulative[i] - shift));
  }
}

void ExpWeightsScalar(const double* losses, double* cumulative, double shift,
                      double eta, double* weights, int64_t size) {
  for (int64_t i = 0; i < size; ++i) {
    if (losses != nullptr) cumulative[i] += losses[i];
    weights[i] = std::exp(-eta * (cumulative[i] - shift));
  }
}

void IdIndex::Reset(int capacity) {
  uint32_t buckets = 4;
  while (buckets < 2u * static_cast<uint32_t>(std::max(capacity, 1)))
    buckets <<= 1;
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
    const bool home_in_range = hole <= j ? (hole < home && home <= j)
                                         : (hole < home || home <= j);
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
  weights_ = Eigen::ArrayXd::Ones(size);
  Finish();
}

void ExpWeights::Update(const Eigen::ArrayXd& losses, double eta) {
  EXPERTLAB_DCHECK(losses.size() == size()) << "ExpWeights: size mismatch";
  cumulative_ += losses;
  Recompute(eta);
}

void ExpWeights::Recompute(double eta) {
  // Shift by today's minimum: the leader's weight is exactly 1 and every
  // other exponent is exact down to exp(-708), whatever eta is.
  const double shift = size() > 0 ? cumulative_.minCoeff() : 0.0;
  ExpWeightsKernel(nullptr, cumulative_.data(), shift, eta, weights_.data(),
                   size());
  Finish();
}

void ExpWeights::Finish() {
  const int64_t n = size();
  const int64_t full = n / kBlock;
  const int64_t blocks = full + (n % kBlock != 0 ? 1 : 0);
  block_sums_.resize(blocks);
  if (full > 0)
    block_sums_.head(full) =
        Eigen::Map<const Eigen::ArrayXXd>(weights_.data(), kBlock, full)
            .colwise()
            .sum()
            .transpose();
  if (blocks > full)
    block_sums_[full] = weights_.segment(full * kBlock, n - full * kBlock).sum();
  total_ = block_sums_.sum();
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
