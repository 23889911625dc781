#include "algorithms/experts/kill_on_play.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/experts/test_util.h"
#include "theory/experts_bounds.h"

namespace expertlab::experts {
namespace {

TEST_CASE("kill_on_play follows its definition", "[unit][theory]") {
  auto seq = testing::MakeSequence("kill_on_play(window=3)");
  seq->Start(100, 50, testing::TestRng(2));
  const auto& kp = dynamic_cast<const KillOnPlay&>(*seq);
  CHECK(kp.reserve_size() == 10);  // ceil(sqrt(100))
  int reserve = -1, other = -1;
  int count = 0;
  for (int i = 0; i < 100; ++i) {
    count += kp.InReserve(i);
    if (kp.InReserve(i) && reserve < 0) reserve = i;
    if (!kp.InReserve(i) && other < 0) other = i;
  }
  CHECK(count == 10);
  CHECK(seq->Loss(1, reserve) == 0);
  CHECK(seq->Loss(1, other) == 1);
  // Played on day 5: loses on days 6, 7, 8, recovers on day 9.
  seq->SeeAction(5, reserve);
  for (int64_t t = 6; t <= 8; ++t) CHECK(seq->Loss(t, reserve) == 1);
  CHECK(seq->Loss(9, reserve) == 0);
  CHECK_FALSE(seq->Oblivious());
}

TEST_CASE("Hedge's bound holds against kill-on-play", "[theory]") {
  // Adaptive sequence: Hedge's pseudo-regret bound is pathwise.
  for (int n : {16, 256}) {
    auto hedge = testing::MakeLearner("hedge");
    auto seq = testing::MakeSequence("kill_on_play");
    const GameResult r = testing::Play(*hedge, *seq, n, 5000);
    CHECK(r.points.back().pseudo_regret <= theory::HedgeOptimalRegret(n, 5000));
  }
}

TEST_CASE("kill_on_play is deterministic", "[determinism]") {
  testing::CheckConformance("hedge", 64, 500, "kill_on_play");
  CHECK_THROWS_AS(Registry<LossSequence>::Instance().Validate("kill_on_play(window=0)"), Error);
}

}  // namespace
}  // namespace expertlab::experts
