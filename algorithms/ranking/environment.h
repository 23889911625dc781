// The active-ranking environment of Saad, Verzelen & Carpentier, "Active
// Ranking of Experts Based on their Performances in Many Tasks" (ICML 2023,
// Section 1): n experts, d tasks, a mean matrix M (n x d) that is isotonic up
// to a permutation of the experts (for every pair, one expert is at least as
// good as the other on every task; tasks are not ordered), and 1-sub-Gaussian
// noise. A query picks one (expert, task) pair and returns one sample; a
// comparison of two experts on one task therefore costs two queries.
//
// Noise (the `noise` key of the experiments):
//   gaussian    N(0, 1)
//   rademacher  +-1 with probability 1/2 each (bounded, 1-sub-Gaussian since
//               cosh(x) <= exp(x^2 / 2))
//
// Common random numbers: sample m of pair (i, k) is a pure function of
// (noise key, i, k, m), computed from one Philox block, so every method run
// on one instance sees the same m-th sample of every pair, however it
// batches its queries. Gaussian samples come two per block (Box-Muller, both
// branches: sample 2b uses the cosine, 2b + 1 the sine); Rademacher samples
// 128 per block (one bit each).
//
// The Querier is what a policy sees: it hands out fresh samples of a pair in
// batches, counts every query and refuses (QueryBudgetExhausted) a batch
// that would go past its budget, before drawing anything.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/check.h"
#include "sim/rng.h"

namespace expertlab::ranking {

enum class Noise { kGaussian, kRademacher };

// "gaussian" or "rademacher"; anything else is an error naming `key`.
Noise ParseNoise(const std::string& name, const std::string& key = "noise");

// Experts in decreasing order of performance (best first) when M is
// isotonic up to a permutation of its rows; otherwise an error saying which
// two experts cross (neither is at least as good as the other on every
// task). Rows are ordered by their sums, ties by index.
std::vector<int> IsotonicOrder(const Eigen::MatrixXd& means);

class Environment {
 public:
  // M must be finite, with n >= 2 rows and d >= 1 columns, and isotonic up
  // to a permutation of its rows (errors name "n", "d" and "M").
  Environment(Eigen::MatrixXd means, Noise noise, uint64_t noise_key);

  int experts() const { return static_cast<int>(means_.rows()); }
  int tasks() const { return static_cast<int>(means_.cols()); }
  const Eigen::MatrixXd& means() const { return means_; }
  Noise noise() const { return noise_; }
  // The true ranking, best first.
  const std::vector<int>& order() const { return order_; }

  // Sum of the noise of samples first, ..., first + count - 1 of (expert, task).
  double NoiseSum(int expert, int task, int64_t first, int64_t count) const;

 private:
  uint32_t Pair(int expert, int task) const {
    return static_cast<uint32_t>(expert) * static_cast<uint32_t>(tasks()) +
           static_cast<uint32_t>(task);
  }
  double GaussianSum(uint32_t pair, int64_t first, int64_t count) const;
  double RademacherSum(uint32_t pair, int64_t first, int64_t count) const;

  Eigen::MatrixXd means_;
  Noise noise_;
  std::array<uint32_t, 2> key_;
  std::vector<int> order_;
};

// Thrown when a batch of queries would exceed the querier's budget.
struct QueryBudgetExhausted : Error {
  using Error::Error;
};

class Querier {
 public:
  // budget >= 1 queries in total.
  Querier(const Environment& environment, int64_t budget);

  const Environment& environment() const { return *environment_; }
  int experts() const { return environment_->experts(); }
  int tasks() const { return environment_->tasks(); }

  // Draws `count` >= 1 fresh samples of (expert, task) and returns their
  // sum; counts `count` queries. Throws QueryBudgetExhausted, drawing
  // nothing, when the total would exceed the budget.
  double Sum(int expert, int task, int64_t count);
  // One fresh sample.
  double Sample(int expert, int task) { return Sum(expert, task, 1); }

  int64_t queries() const { return queries_; }
  int64_t budget() const { return budget_; }

 private:
  const Environment* environment_;
  int64_t budget_;
  int64_t queries_ = 0;
  std::vector<int64_t> drawn_;  // samples drawn so far per (expert, task)
};

}  // namespace expertlab::ranking
