#include "theory/ranking_complexity.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/ranking/environment.h"
#include "algorithms/ranking/instance.h"
#include "sim/rng.h"

namespace expertlab::theory {
namespace {

TEST_CASE("PairComplexity: closed forms of sparse and dense gaps", "[theory]") {
  const int d = 50;
  for (int s : {1, 7, 50}) {
    Eigen::VectorXd a = Eigen::VectorXd::Zero(d), b = Eigen::VectorXd::Zero(d);
    a.head(s).setConstant(0.2);
    // s equal gaps: the minimum over s' <= s of d / (s' h^2) is at s' = s.
    CHECK(PairComplexity(a, b) == Approx(d / (s * 0.04)));
    CHECK(PairComplexity(b, a) == Approx(d / (s * 0.04)));
    // Uniform averaging: mean gap s h / d.
    CHECK(UniformPairCost(a, b) == Approx(std::pow(d / (s * 0.2), 2)));
  }
  CHECK(std::isinf(PairComplexity(Eigen::VectorXd::Ones(3), Eigen::VectorXd::Ones(3))));
}

TEST_CASE("PairComplexity equals a brute-force minimum and 1/mean^2 >= H/4", "[theory]") {
  // |Delta|_(k) <= sqrt(M*/k) with M* = max_s s |Delta|_(s)^2 gives
  // mean^2 <= 4 M*/d, i.e. UniformPairCost >= H / 4 for every gap vector.
  Rng rng(11, 0, 0, 0);
  for (int trial = 0; trial < 200; ++trial) {
    const int d = 1 + static_cast<int>(rng.UniformInt(40));
    Eigen::VectorXd gap(d);
    for (int k = 0; k < d; ++k) gap[k] = rng.Uniform() < 0.5 ? 0.0 : std::pow(rng.Uniform(), 3);
    gap[0] += 1e-3;
    const Eigen::VectorXd zero = Eigen::VectorXd::Zero(d);
    double brute = INFINITY;
    for (int s = 1; s <= d; ++s) {
      // |Delta|_(s) by counting: the largest g with at least s entries >= g.
      for (int k = 0; k < d; ++k) {
        int at_least = 0;
        for (int q = 0; q < d; ++q) at_least += gap[q] >= gap[k];
        if (at_least >= s && gap[k] > 0) brute = std::min(brute, d / (s * gap[k] * gap[k]));
      }
    }
    const double h = PairComplexity(gap, zero);
    CHECK(h == Approx(brute));
    CHECK(UniformPairCost(gap, zero) >= h / 4 * (1 - 1e-12));
  }
}

TEST_CASE("Ranking, best-expert and uniform costs of a stacked instance", "[theory]") {
  // n experts, adjacent gaps h on s tasks: each adjacent H is d/(s h^2);
  // the best expert differs from rank q by q h on the union of q supports,
  // so its H is at most that of the adjacent pair below it.
  const int n = 5, d = 32, s = 2;
  const double h = 0.5;
  Rng rng(12, 0, 0, 0);
  const Eigen::MatrixXd means = ranking::StackedGaps(n, d, s, h, rng);
  const std::vector<int> order = ranking::IsotonicOrder(means);
  CHECK(RankingComplexity(means, order) == Approx((n - 1) * d / (s * h * h)));
  CHECK(BestExpertComplexity(means, order) <= RankingComplexity(means, order));
  CHECK(UniformCost(means, order, false) == Approx(n * std::pow(d / (s * h), 2)));
  CHECK(UniformCost(means, order, true) == Approx(n * std::pow(d / (s * h), 2)));
}

}  // namespace
}  // namespace expertlab::theory
