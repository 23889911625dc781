// Tests of theory/memory_bounds (kept with the experts family: the family's
// CMakeLists lists them). The closed forms that only restate their own
// algebra are not re-derived here; those that experiments compare with are
// checked against simulations (random_subset_test, kill_on_play below) or
// hand-computed numbers.
#include "theory/memory_bounds.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "algorithms/experts/kill_on_play.h"
#include "tests/algorithms/experts/test_util.h"

namespace expertlab::theory {
namespace {

TEST_CASE("kill-on-play loss rate equals a brute-force rotation", "[theory]") {
  // KillOnPlayLossRate(g, W) = max(0, 1 - g/(W + 1)) against the real
  // kill_on_play instance: a player holding g reserve experts plays a live
  // one whenever it can (else a non-reserve expert, which leaves the
  // reserve untouched) for 40 (W + 1) days and counts the days it lost.
  for (int window : {1, 3, 8}) {
    for (int good : {1, 2, 4, 8, 9, 12}) {
      INFO("W = " << window << ", g = " << good);
      const int n = 400;  // reserve ceil(sqrt(n)) = 20 >= g
      auto seq =
          experts::testing::MakeSequence("kill_on_play(window=" + std::to_string(window) + ")");
      const int64_t days = 40 * (window + 1);
      seq->Start(n, days, experts::testing::TestRng(2));
      const auto& kill = dynamic_cast<const experts::KillOnPlay&>(*seq);
      std::vector<int> held;
      int other = -1;
      for (int i = 0; i < n; ++i) {
        if (kill.InReserve(i) && static_cast<int>(held.size()) < good) held.push_back(i);
        if (!kill.InReserve(i) && other < 0) other = i;
      }
      REQUIRE(static_cast<int>(held.size()) == good);
      int64_t lost = 0;
      for (int64_t day = 1; day <= days; ++day) {
        int play = other;
        for (int e : held)
          if (seq->Loss(day, e) == 0) play = e;
        lost += seq->Loss(day, play) > 0;
        seq->SeeAction(day, play);
      }
      CHECK(static_cast<double>(lost) / days == Approx(KillOnPlayLossRate(good, window)));
    }
  }
}

TEST_CASE("SWXZ22 validity ranges match hand-computed numbers", "[theory]") {
  // n = 2^10 (log2 n = 10). Random order: T = 2^14 needs delta >
  // sqrt(16 * 100 / 16384) = 0.3125. Low mistake: T = 2^22 needs delta >
  // sqrt(128 * 100 / 2^22) = 0.055 and M < 0.25 * 2^22 / (1280 * 100) =
  // 8.19; at T = 2^14 it needs delta > sqrt(12800 / 16384) = 0.88.
  CHECK_FALSE(SwxzRandomOrderValid(1024, 1 << 14, 0.31));
  CHECK(SwxzRandomOrderValid(1024, 1 << 14, 0.32));
  CHECK(SwxzLowMistakeValid(1024, 1 << 22, 0.5, 8));
  CHECK_FALSE(SwxzLowMistakeValid(1024, 1 << 22, 0.5, 9));
  CHECK_FALSE(SwxzLowMistakeValid(1024, 1 << 14, 0.5, 0));  // 0.88 needed
}

}  // namespace
}  // namespace expertlab::theory
