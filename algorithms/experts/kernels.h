// Numerical kernels shared by the experts family: a branch-free exp for
// non-positive arguments that the compiler vectorises, the exponential-
// weights update built on it, counter-based loss hashing, and a small
// open-addressing index from expert id to pool slot.
//
// Why an own exp: glibc's std::exp is scalar, and Eigen's packet exp is
// bound at compile time to the build's baseline ISA (SSE2 in the portable
// release build), where it runs at ~4 ns per double. ExpWeightsKernel is
// compiled in several ISA clones (GCC target_clones, chosen at load time);
// every clone performs the same IEEE operations in the same order (no FMA
// contraction under -std=c++20), so results are bit-identical whichever
// clone runs, and equal to the scalar ExpNonPositive below (tested).
#pragma once

#include <Eigen/Core>
#include <bit>
#include <cstdint>
#include <vector>

#include "sim/rng.h"

namespace expertlab::experts {

// exp(x) for x <= 0, within 2 ulp of the correctly rounded value for
// x >= -708; arguments below -708 return exp(-708) ~ 3e-308 instead of a
// subnormal or 0 (a weight that small is 0 for every purpose here).
// Cody-Waite reduction x = k ln2 + r, |r| <= ln2/2, then a degree-13 Taylor
// polynomial (truncation error < 5e-18) evaluated by Estrin's scheme,
// and an exact scaling by 2^k.
inline double ExpNonPositive(double x) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 32 bits of ln 2
  constexpr double kLn2Lo = 1.90821492927058770002e-10;  // the rest
  constexpr double kShift = 0x1.8p52;                    // adding it rounds to an integer
  x = x < -708.0 ? -708.0 : x;
  double k = x * kLog2e + kShift;
  const uint64_t k_bits = std::bit_cast<uint64_t>(k);
  k -= kShift;
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  // Estrin's scheme: the same Taylor terms as Horner's rule, but a
  // dependency chain of depth 8 instead of 26, so the vectorised loop is no
  // longer bound by FMA/add latency (1.6x faster on AVX2, same 2-ulp bound).
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double q0 = 1.0 + r, q1 = 0.5 + r * (1.0 / 6.0), q2 = 1.0 / 24.0 + r * (1.0 / 120.0),
               q3 = 1.0 / 720.0 + r * (1.0 / 5040.0), q4 = 1.0 / 40320.0 + r * (1.0 / 362880.0),
               q5 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0),
               q6 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
  const double p = (q0 + r2 * q1 + r4 * (q2 + r2 * q3)) + r8 * (q4 + r2 * q5 + r4 * q6);
  // k_bits is the bit pattern of 1.5*2^52 + k, i.e. 1075*2^52 + 2^51 + k;
  // minus 3*2^51 it is k plus a multiple of 2^52 that the shift by 52
  // discards, leaving k + 1023 in the exponent field: the double 2^k.
  // Unsigned arithmetic: wrap-around is intended and defined.
  const uint64_t scale = (k_bits - (uint64_t{3} << 51) + 1023) << 52;
  return p * std::bit_cast<double>(scale);
}

// One exponential-weights step over `size` items, in one pass: for each
// item cumulative[i] += losses[i] (skipped when losses is null), then
// weights[i] = exp(-eta (cumulative[i] - shift)); the weight sum of each
// block of ExpWeights::kBlock items goes to block_sums (when not null).
// The caller picks shift <= the minimum of the new cumulative losses so
// that every exponent is <= 0. Sums and minimum are taken over 8 fixed
// lanes in a fixed order, so every ISA clone returns the same bits.
struct ExpWeightsTotals {
  double minimum;  // of the new cumulative losses
  double total;    // of the weights
};
ExpWeightsTotals ExpWeightsKernel(const double* losses, double* cumulative, double shift,
                                  double eta, double* weights, double* block_sums, int64_t size);

// sum_i a[i] b[i] over 8 fixed lanes (same bits in every ISA clone).
double DotKernel(const double* a, const double* b, int64_t size);

// The same step written as a plain scalar loop over std::exp: a cross-check
// of the kernel in tests (the benchmark's scalar reference is its own
// ScalarHedge, a whole Hedge day written the obvious way).
void ExpWeightsScalar(const double* losses, double* cumulative, double shift, double eta,
                      double* weights, int64_t size);

// 64 random bits for cell (a, b) of the stream named by `key` (sim's Mix64
// of a Weyl-sequence counter), without any state, so a loss l_t(i) can be
// regenerated on demand. a < 2^32 and b < 2^32 give distinct counters.
inline uint64_t CellBits(uint64_t key, uint64_t a, uint64_t b) {
  return Mix64(key + ((a << 32) | b) * 0x9E3779B97F4A7C15ull);
}


// Open-addressing map from expert id (>= 0) to a slot number, for pools of
// at most `capacity` experts: O(1) Holds() checks on every loss read.
// Linear probing with backward-shift deletion (no tombstones).
class IdIndex {
 public:
  explicit IdIndex(int capacity = 0) { Reset(capacity); }
  void Reset(int capacity);
  // Slot of `id`, or -1.
  int Find(int id) const {
    for (uint32_t h = Hash(id);; h = (h + 1) & mask_) {
      const int key = keys_[h];
      if (key == id) return slots_[h];
      if (key < 0) return -1;
    }
  }
  bool Contains(int id) const { return Find(id) >= 0; }
  // Inserts or overwrites.
  void Set(int id, int slot);
  void Erase(int id);
  int size() const { return size_; }

 private:
  uint32_t Hash(int id) const {
    return static_cast<uint32_t>(Mix64(static_cast<uint64_t>(id)) >> 32) & mask_;
  }
  std::vector<int> keys_;  // -1 = empty
  std::vector<int> slots_;
  uint32_t mask_ = 0;
  int size_ = 0;
};

// Exponential weights over a vector of items (all n experts, or a pool),
// stored max-shifted: weights = exp(-eta (L - m)) with m <= min L, so no
// weight overflows and the leader's does not underflow however long the
// horizon. Update shifts by yesterday's minimum m (losses are >= 0, so it
// is <= today's), which lets the update, today's minimum and the block sums
// share one pass over memory; the leader's weight is then in
// [exp(-eta max_i l_i), 1]. Also keeps block sums of the weights so a draw
// costs O(n/256 + 256) instead of O(n).
class ExpWeights {
 public:
  static constexpr int kBlock = 256;

  // `size` items with zero cumulative loss and equal weights.
  void Reset(int64_t size);
  // Numbers kept for `size` items: cumulative losses, weights, block sums.
  static int64_t Words(int64_t size) { return 2 * size + (size + kBlock - 1) / kBlock; }
  // cumulative += losses (each >= 0), then weights from the new cumulative
  // losses at rate eta (eta may change between calls: the anytime schedule).
  void Update(const Eigen::ArrayXd& losses, double eta);
  // Weights from the current cumulative losses at rate eta, shifted by their
  // exact minimum (the leader's weight is 1). After edits through
  // mutable_cumulative(), call this before the next Update.
  void Recompute(double eta);
  // <p, losses> with p = weights / total.
  double Expected(const Eigen::ArrayXd& losses) const {
    return DotKernel(weights_.data(), losses.data(), size()) / total_;
  }
  // Index drawn from p by inverse CDF over blocks, then within the block.
  int64_t Sample(double uniform) const;
  double Probability(int64_t i) const { return weights_[i] / total_; }

  int64_t size() const { return weights_.size(); }
  const Eigen::ArrayXd& cumulative() const { return cumulative_; }
  Eigen::ArrayXd& mutable_cumulative() { return cumulative_; }
  const Eigen::ArrayXd& weights() const { return weights_; }
  double total() const { return total_; }

 private:
  // Runs the kernel with this shift; sets minimum_, block sums and total.
  void Step(const double* losses, double shift, double eta);

  Eigen::ArrayXd cumulative_;
  Eigen::ArrayXd weights_;
  Eigen::ArrayXd block_sums_;
  double minimum_ = 0;  // min of cumulative_
  double total_ = 0;
};

}  // namespace expertlab::experts
