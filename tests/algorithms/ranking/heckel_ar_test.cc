#include "algorithms/ranking/heckel_ar.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/ranking/conformance.h"

namespace expertlab::ranking {
namespace {

TEST_CASE("heckel_ar ranks exactly with probability >= 1 - delta", "[theory]") {
  // Every Borda estimate stays within alpha_t of its score with probability
  // >= 1 - delta pi^2 / 12, and disjoint intervals order the experts.
  testing::CheckCorrectWithProbability("heckel_ar", Goal::kRanking, 4, 4, 2, 1.0, 0.2, 30);
}

TEST_CASE("heckel_ar: i beats j on a random task with probability mean_k Phi(Delta_k / sqrt 2)",
          "[theory]") {
  // Gaussian noise: X_ik - X_jk ~ N(Delta_k, 2). The frequency over N
  // comparisons is within 4.5 sqrt(p (1 - p) / N) of p except with
  // probability < 1e-5.
  const Environment environment = testing::MakeEnvironment(2, 6, 2, 0.8, 8);
  const int better = environment.order()[0], worse = environment.order()[1];
  const Eigen::VectorXd gap =
      (environment.means().row(better) - environment.means().row(worse)).transpose();
  double p = 0;
  for (double g : gap) p += 0.5 * std::erfc(-g / 2.0) / static_cast<double>(gap.size());
  Querier querier(environment, int64_t{1} << 30);
  Rng rng = testing::TestRng(6);
  const int comparisons = 100000;
  double wins = 0;
  for (int c = 0; c < comparisons; ++c) wins += BeatsOnRandomTask(querier, better, worse, rng);
  CHECK(std::abs(wins / comparisons - p) < 4.5 * std::sqrt(p * (1 - p) / comparisons));
  CHECK(querier.queries() == 2 * comparisons);
}

TEST_CASE("heckel_ar conformance and determinism", "[unit][determinism]") {
  testing::CheckRankingConformance("heckel_ar");
}

}  // namespace
}  // namespace expertlab::ranking
