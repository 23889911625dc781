#include "algorithms/trees/meta_cmab.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/trees/conformance.h"

namespace expertlab::trees {
namespace {

TEST_CASE("meta_cmab conformance and determinism", "[unit][determinism]") {
  testing::CheckAdviceConformance("meta_cmab");
  testing::CheckAdviceConformance("meta_cmab(explore=0,ridge=1)");
}

TEST_CASE("meta_cmab follows a single globally reliable expert", "[theory]") {
  // The Bayes rule follows expert 0 (accuracy 1). LinUCB's width on x
  // shrinks as 1 / sqrt(rounds), so after 1000 of 2000 rounds it follows
  // expert 0 in all but a few rounds: accuracy >= 0.98 (20 wrong rounds).
  testing::CheckFollowsReliableExpert("meta_cmab", 0.98);
}

}  // namespace
}  // namespace expertlab::trees
