#include "algorithms/ranking/environment.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>
#include <numeric>

namespace expertlab::ranking {
namespace {

// Fourth counter word of every noise block: keeps noise blocks apart from
// any other use of the same key.
constexpr uint32_t kNoiseTag = 0x4e4f4953;

std::array<uint32_t, 4> NoiseBlock(std::array<uint32_t, 2> key, uint32_t pair, uint64_t block) {
  return Philox4x32_10(
      {static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), pair, kNoiseTag}, key);
}

uint64_t Join(uint32_t high, uint32_t low) { return (uint64_t{high} << 32) | low; }

// Ones among bits [from, to) of a 128-bit block (word w holds bits 32w..32w+31).
int OnesInRange(const std::array<uint32_t, 4>& words, int from, int to) {
  int ones = 0;
  for (int w = 0; w < 4; ++w) {
    const int lo = std::max(from - 32 * w, 0);
    const int hi = std::min(to - 32 * w, 32);
    if (lo >= hi) continue;
    const uint64_t mask = ((uint64_t{1} << hi) - 1) & ~((uint64_t{1} << lo) - 1);
    ones += std::popcount(words[static_cast<size_t>(w)] & static_cast<uint32_t>(mask));
  }
  return ones;
}

}  // namespace

Noise ParseNoise(const std::string& name, const std::string& key) {
  if (name == "gaussian") return Noise::kGaussian;
  if (name == "rademacher") return Noise::kRademacher;
  throw Error(key + ": expected gaussian or rademacher, got '" + name + "'");
}

std::vector<int> IsotonicOrder(const Eigen::MatrixXd& means) {
  const Eigen::VectorXd sums = means.rowwise().sum();
  std::vector<int> order(static_cast<size_t>(means.rows()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return sums[a] > sums[b]; });
  // Adjacent dominance in this order gives dominance of every pair.
  for (size_t r = 0; r + 1 < order.size(); ++r) {
    const int better = order[r], worse = order[r + 1];
    for (Eigen::Index k = 0; k < means.cols(); ++k) {
      EXPERTLAB_CHECK(means(better, k) >= means(worse, k))
          << "M: not isotonic up to a permutation of the experts (monotonicity required): "
          << "expert " << better << " has the larger row sum but is worse than expert " << worse
          << " on task " << k << " (" << means(better, k) << " < " << means(worse, k) << ")";
    }
  }
  return order;
}

Environment::Environment(Eigen::MatrixXd means, Noise noise, uint64_t noise_key)
    : means_(std::move(means)),
      noise_(noise),
      key_{static_cast<uint32_t>(noise_key), static_cast<uint32_t>(noise_key >> 32)} {
  EXPERTLAB_CHECK(means_.rows() >= 2) << "n: at least 2 experts expected, got " << means_.rows();
  EXPERTLAB_CHECK(means_.cols() >= 1) << "d: at least 1 task expected, got " << means_.cols();
  EXPERTLAB_CHECK(means_.allFinite()) << "M: every mean must be finite";
  order_ = IsotonicOrder(means_);
}

double Environment::GaussianSum(uint32_t pair, int64_t first, int64_t count) const {
  double sum = 0;
  for (int64_t m = first, end = first + count; m < end;) {
    const std::array<uint32_t, 4> w = NoiseBlock(key_, pair, static_cast<uint64_t>(m) >> 1);
    const double radius = std::sqrt(-2.0 * std::log(BitsToUniformOpen(Join(w[0], w[1]))));
    const double angle = 2.0 * std::numbers::pi * BitsToUniform(Join(w[2], w[3]));
    if ((m & 1) == 0) {
      sum += radius * std::cos(angle);
      ++m;
    }
    if (m < end) {
      sum += radius * std::sin(angle);
      ++m;
    }
  }
  return sum;
}

double Environment::RademacherSum(uint32_t pair, int64_t first, int64_t count) const {
  int64_t ones = 0;
  for (int64_t m = first, end = first + count; m < end;) {
    const int64_t block = m >> 7;
    const int from = static_cast<int>(m & 127);
    const int to = static_cast<int>(std::min<int64_t>(end - (block << 7), 128));
    ones += OnesInRange(NoiseBlock(key_, pair, static_cast<uint64_t>(block)), from, to);
    m = (block << 7) + to;
  }
  return static_cast<double>(2 * ones - count);
}

double Environment::NoiseSum(int expert, int task, int64_t first, int64_t count) const {
  const uint32_t pair = Pair(expert, task);
  return noise_ == Noise::kGaussian ? GaussianSum(pair, first, count)
                                    : RademacherSum(pair, first, count);
}

Querier::Querier(const Environment& environment, int64_t budget)
    : environment_(&environment),
      budget_(budget),
      drawn_(static_cast<size_t>(environment.experts()) * static_cast<size_t>(environment.tasks()),
             0) {
  EXPERTLAB_CHECK(budget >= 1) << "budget: at least 1 query expected, got " << budget;
}

double Querier::Sum(int expert, int task, int64_t count) {
  EXPERTLAB_CHECK(expert >= 0 && expert < experts() && task >= 0 && task < tasks() && count >= 1)
      << "query (" << expert << ", " << task << ") x " << count << " outside the " << experts()
      << " x " << tasks() << " matrix";
  if (count > budget_ - queries_)
    throw QueryBudgetExhausted("budget: " + std::to_string(count) + " more queries after " +
                               std::to_string(queries_) + " would exceed the budget of " +
                               std::to_string(budget_));
  int64_t& drawn = drawn_[static_cast<size_t>(expert) * static_cast<size_t>(tasks()) +
                          static_cast<size_t>(task)];
  const double noise = environment_->NoiseSum(expert, task, drawn, count);
  drawn += count;
  queries_ += count;
  return static_cast<double>(count) * environment_->means()(expert, task) + noise;
}

}  // namespace expertlab::ranking
