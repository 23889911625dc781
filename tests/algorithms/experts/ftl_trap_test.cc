#include "algorithms/experts/ftl_trap.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE("ftl_trap follows its definition", "[unit][theory]") {
  auto trap = testing::MakeSequence("ftl_trap");
  trap->Start(4, 10, testing::TestRng(2));
  Eigen::ArrayXd losses(4);
  // Day 1 = (1/2, 0), then (0, 1) on even days and (1, 0) on odd days; the
  // other experts lose 1 every day.
  const double expected[5][2] = {{0.5, 0}, {0, 1}, {1, 0}, {0, 1}, {1, 0}};
  for (int64_t day = 1; day <= 5; ++day) {
    trap->Fill(day, losses);
    CHECK(losses[0] == expected[day - 1][0]);
    CHECK(losses[1] == expected[day - 1][1]);
    CHECK(losses[2] == 1.0);
    CHECK(losses[3] == 1.0);
    for (int i = 0; i < 4; ++i) CHECK(trap->Loss(day, i) == losses[i]);
  }
  CHECK(trap->Oblivious());
  CHECK(trap->Comparator() == -1);
}

TEST_CASE("ftl_trap needs two experts", "[unit]") {
  auto trap = testing::MakeSequence("ftl_trap");
  CHECK_THROWS_AS(trap->Start(1, 10, testing::TestRng(2)), Error);
}

TEST_CASE("ftl_trap is deterministic", "[determinism]") {
  testing::CheckConformance("hedge", 3, 500, "ftl_trap");
}

}  // namespace
}  // namespace expertlab::experts
