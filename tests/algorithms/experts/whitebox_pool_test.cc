#include "algorithms/experts/whitebox_pool.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE("white-box adversary forces linear regret on pool learners", "[theory]") {
  // Every held expert loses 1, the rest 0: a learner that must play a held
  // expert pays 1 every day. Random subset never changes its pool, so an
  // expert outside it has loss 0 and regret is exactly T.
  auto subset = testing::MakeLearner("random_subset(memory=8)");
  auto adversary = testing::MakeSequence("whitebox_pool");
  const GameResult r = testing::Play(*subset, *adversary, 64, 1000);
  CHECK(r.points.back().regret == 1000);
  // A pool learner that moves its pool still pays 1 a day, and some expert
  // was held on at most a fraction of days (pigeonhole): R >= T (1 - S/n)
  // when every expert is held equally often; check R >= T/2 for S = n/8.
  for (const char* spec : {"multiscale_pool(memory=8)", "baseline_pool(memory=8)",
                           "swxz_mw(memory=8)", "robust_pool(memory=8)"}) {
    auto learner = testing::MakeLearner(spec);
    auto wb = testing::MakeSequence("whitebox_pool(others=fair)");
    const GameResult g = testing::Play(*learner, *wb, 64, 2000);
    INFO(spec);
    CHECK(g.learner_loss == 2000);
    CHECK(g.points.back().regret >= 1000 - 4.5 * 0.5 * std::sqrt(2000.0));
  }
  // Full memory holds everyone: everyone loses 1, regret 0.
  auto hedge = testing::MakeLearner("hedge");
  auto wb = testing::MakeSequence("whitebox_pool");
  CHECK(testing::Play(*hedge, *wb, 16, 500).points.back().regret == 0);
}

TEST_CASE("white-box adversary is deterministic", "[determinism]") {
  testing::CheckConformance("baseline_pool(memory=8)", 64, 500, "whitebox_pool(others=fair)");
}

}  // namespace
}  // namespace expertlab::experts
