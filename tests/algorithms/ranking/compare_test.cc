#include "algorithms/ranking/compare.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/experts/test_util.h"
#include "tests/algorithms/ranking/conformance.h"
#include "theory/ranking_complexity.h"

namespace expertlab::ranking {
namespace {

using experts::testing::CheckMeanAtLeast;
using experts::testing::CheckMeanAtMost;
using experts::testing::CheckSuccessRateAtLeast;

// The sign of Compare(better, worse) over `seeds` instances: each run errs
// with probability at most delta pi^2 / 12 (compare.h), so the successes
// are at least Binomial(seeds, 1 - delta).
int CorrectSigns(int d, int s, double h, double delta, int seeds, Noise noise) {
  int correct = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    const Environment environment =
        testing::MakeEnvironment(2, d, s, h, static_cast<uint64_t>(seed), noise);
    Querier querier(environment, int64_t{1} << 40);
    Rng rng = testing::TestRng(2, static_cast<uint64_t>(seed));
    const int better = environment.order()[0], worse = environment.order()[1];
    // Alternate the argument order so both signs are exercised.
    const int sign = seed % 2 ? Compare(querier, better, worse, delta, rng)
                              : -Compare(querier, worse, better, delta, rng);
    correct += sign == 1;
  }
  return correct;
}

TEST_CASE("Compare returns the right sign with frequency >= 1 - delta", "[theory]") {
  // delta large enough that errors would show: the binomial test rejects at
  // level 1e-3 a sign-error rate above delta.
  CheckSuccessRateAtLeast(CorrectSigns(16, 1, 0.5, 0.3, 200, Noise::kGaussian), 200, 0.7);
  CheckSuccessRateAtLeast(CorrectSigns(16, 16, 0.3, 0.3, 200, Noise::kRademacher), 200, 0.7);
  CheckSuccessRateAtLeast(CorrectSigns(4, 2, 1.0, 0.05, 100, Noise::kGaussian), 100, 0.95);
}

// Expected queries of Compare with one informative task of gap h among d,
// bounded from the schedule (compare.h): let r0 be the first round whose
// sparsest level guesses a gap <= h. From r0 on, that level draws >= 2d
// tasks, each the informative one and firing with probability >= 1/(2d)
// (threshold <= guessed gap <= h, Y's median >= h), so a round >= r0 is
// reached with probability <= e^-(r - r0). Hence E[queries] <= sum over r of
// RoundQueries(r) min(1, e^-(r - r0)). Below: every draw is uniform over
// tasks and only the informative task fires except with probability delta,
// so the number of draws is at least Geometric(1/d): E[queries] >= 2 d (1 -
// delta) (each draw costs >= 2 queries).
double SingleTaskUpperBound(int d, double h, double delta) {
  const int levels = CompareLevels(d);
  int r0 = 1;
  while (std::ldexp(1.0, levels - 1) / std::ldexp(1.0, r0) > h * h) ++r0;
  double bound = 0;
  for (int r = 1; r <= r0 + 40; ++r)
    bound += CompareRoundQueries(d, r, delta, 1.0) * std::min(1.0, std::exp(-(r - r0)));
  return bound;
}

TEST_CASE("Compare on the single-informative-task instance: within a band of d/h^2",
          "[theory]") {
  const double h = 0.5, delta = 0.05;
  for (int d : {16, 128}) {
    std::vector<double> queries;
    for (int seed = 1; seed <= 30; ++seed) {
      const Environment environment =
          testing::MakeEnvironment(2, d, 1, h, static_cast<uint64_t>(seed));
      Querier querier(environment, int64_t{1} << 40);
      Rng rng = testing::TestRng(2, static_cast<uint64_t>(seed));
      Compare(querier, 0, 1, delta, rng);
      queries.push_back(static_cast<double>(querier.queries()));
    }
    const double upper = SingleTaskUpperBound(d, h, delta);
    INFO("d = " << d << ": upper bound " << upper << " = " << upper / (d / (h * h))
                << " d/h^2");
    CheckMeanAtMost(queries, upper);
    CheckMeanAtLeast(queries, 2.0 * d * (1 - delta));
  }
}

TEST_CASE("Compare on one informative task is far cheaper than uniform sampling", "[theory]") {
  // Uniform sampling separates the row means only once its interval width
  // w = sqrt(2 ln(4 n c^2/delta) / (d t)) is below the mean gap h/d: with
  // probability >= 1 - delta it makes at least 2 n ln(4n/delta) d^2/h^2
  // queries (about 20 d^2/h^2 = 1.3e6 here; theory::UniformPairCost gives
  // the d^2/h^2 scale), against Compare's O(d/h^2) up to log factors. On
  // the same instances and noise, claim E[Compare] <= E[uniform] / 4.
  // Uniform runs with a budget of 8 times Compare's queries: when it runs
  // out, it would have needed more, and min(uniform, budget) / 4 still
  // exceeds Compare's count.
  const int d = 128;
  const double h = 0.5, delta = 0.05;
  std::vector<double> difference;
  for (int seed = 1; seed <= 20; ++seed) {
    const Environment environment =
        testing::MakeEnvironment(2, d, 1, h, static_cast<uint64_t>(seed));
    const Eigen::MatrixXd& means = environment.means();
    CHECK(theory::UniformPairCost(means.row(0).transpose(), means.row(1).transpose()) ==
          Approx(d * d / (h * h)));
    Querier querier(environment, int64_t{1} << 40);
    Rng rng = testing::TestRng(2, static_cast<uint64_t>(seed));
    Compare(querier, 0, 1, delta, rng);
    const int64_t budget = 8 * querier.queries();
    int64_t uniform = budget;
    try {
      uniform = testing::Solve("uniform", Goal::kRanking, environment, delta,
                               static_cast<uint64_t>(seed), budget)
                    .queries;
    } catch (const QueryBudgetExhausted&) {
    }
    difference.push_back(static_cast<double>(querier.queries()) -
                         static_cast<double>(uniform) / 4);
  }
  CheckMeanAtMost(difference, 0.0);
}

TEST_CASE("Compare capped at r rounds spends at most the schedule of those rounds", "[unit]") {
  // An all-zero gap never fires except in error: a capped Compare runs its
  // rounds to their end and returns 0 (undecided).
  const Environment environment(Eigen::MatrixXd::Zero(2, 8), Noise::kGaussian, 5);
  Querier querier(environment, int64_t{1} << 40);
  Rng rng = testing::TestRng(2);
  CHECK(Compare(querier, 0, 1, 0.01, rng, {.max_round = 6}) == 0);
  double schedule = 0;
  for (int r = 1; r <= 6; ++r) schedule += CompareRoundQueries(8, r, 0.01, 1.0);
  CHECK(static_cast<double>(querier.queries()) == schedule);
  CHECK_THROWS_WITH(Compare(querier, 0, 1, 1.0, rng), Catch::StartsWith("delta:"));
  CHECK(CompareLevels(1) == 1);
  CHECK(CompareLevels(8) == 4);
  CHECK(CompareLevels(100) == 8);
}

TEST_CASE("Compare is reproducible under a seed", "[determinism]") {
  const Environment environment = testing::MakeEnvironment(2, 32, 2, 0.4, 3);
  int64_t queries[2];
  int signs[2];
  for (int run = 0; run < 2; ++run) {
    Querier querier(environment, int64_t{1} << 40);
    Rng rng = testing::TestRng(2, 3);
    signs[run] = Compare(querier, 0, 1, 0.1, rng);
    queries[run] = querier.queries();
  }
  CHECK(signs[0] == signs[1]);
  CHECK(queries[0] == queries[1]);
}

}  // namespace
}  // namespace expertlab::ranking
