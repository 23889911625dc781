#include "algorithms/experts/leader_trap.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

TEST_CASE("leader_trap decoys cycle hot, burnt, burnt windows", "[unit][theory]") {
  // W = 10, n = 3000, seed 2: each decoy is 0 for one whole window and 1 for
  // the next two; a third of the decoys are hot in each window (within 4.5
  // sd of Binomial(2999, 1/3): sd 25.8); every decoy averages 2/3 over
  // three windows; i*'s mean is 1/2 - delta.
  auto seq = testing::MakeSequence("leader_trap(window=10, delta=0.2)");
  const int n = 3000;
  seq->Start(n, 100, testing::TestRng(2));
  const int star = seq->Comparator();
  int hot = 0;
  for (int i = 0; i < n; ++i) {
    if (i == star) continue;
    double window[3] = {0, 0, 0};
    for (int w = 0; w < 3; ++w)
      for (int64_t t = 10 * w + 1; t <= 10 * w + 10; ++t) window[w] += seq->Loss(t, i);
    const int zeros = (window[0] == 0) + (window[1] == 0) + (window[2] == 0);
    const int tens = (window[0] == 10) + (window[1] == 10) + (window[2] == 10);
    REQUIRE(zeros == 1);
    REQUIRE(tens == 2);
    hot += window[0] == 0;
  }
  CHECK(std::fabs(hot - 2999 / 3.0) < 4.5 * 25.8);
  CHECK(seq->Mean(5, star) == 0.3);
  double star_total = 0;
  for (int64_t t = 1; t <= 40000; ++t) star_total += seq->Loss(t, star);
  CHECK(std::fabs(star_total / 40000 - 0.3) < 4.5 * 0.5 / std::sqrt(40000.0));
}

TEST_CASE("leader_trap is deterministic", "[determinism]") {
  testing::CheckConformance("hedge", 50, 1000, "leader_trap(window=30)");
}

}  // namespace
}  // namespace expertlab::experts
