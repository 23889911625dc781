#include "algorithms/trees/knn.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/trees/conformance.h"

namespace expertlab::trees {
namespace {

TEST_CASE("knn conformance and determinism", "[unit][determinism]") {
  testing::CheckAdviceConformance("knn");
  testing::CheckAdviceConformance("knn(fraction=0.01)");
}

TEST_CASE("knn with every round as neighbour is Meta-CMAB", "[theory]") {
  // fraction = 1: the neighbourhood is the whole log, refitted in time
  // order from A_0: the same Sherman-Morrison updates in the same order as
  // the online Meta-CMAB, so bit-identical models and, under one seed, the
  // same choices.
  const AdviceBandit bandit = testing::MakeBandit(4, 5, 400, 31);
  CHECK(testing::Play("knn(fraction=1)", bandit, 3, 7).reward ==
        testing::Play("meta_cmab", bandit, 3, 7).reward);
}

TEST_CASE("knn separates two regions that a context-blind learner cannot", "[theory]") {
  // The flipped-expert instance of expertise_tree_test.cc with g = 2: 10%
  // neighbourhoods lie mostly in the query's region once t is large (its
  // radius in u1 is about 0.05 + the u2 spread), so over the last 1000 of
  // 2000 rounds (8 seeds) it beats Meta-CMAB by at least 0.1.
  const std::vector<std::vector<double>> honesty = {{0.9, 0.5}, {0.1, 0.5}};
  const Problem problem = testing::TwoRegionProblem(2, 3, 2000);
  double knn = 0, blind = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const auto rounds = testing::TwoRegionRounds(honesty, 3, 2000, seed);
    auto a = testing::MakeLearner("knn");
    auto b = testing::MakeLearner("meta_cmab");
    knn += testing::PlayRounds(*a, problem, rounds, 1000, seed) / 8;
    blind += testing::PlayRounds(*b, problem, rounds, 1000, seed) / 8;
  }
  INFO("knn " << knn << ", meta_cmab " << blind);
  CHECK(knn >= blind + 0.1);
}

}  // namespace
}  // namespace expertlab::trees
