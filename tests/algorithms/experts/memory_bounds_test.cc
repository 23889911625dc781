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

TEST_CASE("search lengths of the pools: closed forms against direct counts", "[theory]") {
  // SWXZ22's resample time solves tau/2 = (1 + d/2)(a tau + c(4 sqrt(tau
  // ln T) + 4 ln T / a)) + 2 ln n / d (a = 1/2 - d): the root satisfies the
  // equation, and a day-by-day scan finds the first day past it.
  const double n = 4096, horizon = 65536, delta = 0.3;
  for (double slack : {0.1, 1.0}) {
    const double tau = SwxzResampleDays(n, horizon, delta, slack);
    const double a = 0.5 - delta, log_t = std::log(horizon);
    auto allowed = [&](double t) {
      return (1 + delta / 2) * (a * t + slack * (4 * std::sqrt(t * log_t) + 4 * log_t / a)) +
             2 * std::log(n) / delta;
    };
    CHECK(tau / 2 == Approx(allowed(tau)).epsilon(1e-9));
    double day = 1;
    while (day / 2 <= allowed(day)) ++day;
    CHECK(day == std::ceil(tau));
    CHECK(SwxzSearchDays(n, 256, horizon, delta, slack) == Approx(16 * tau));
  }
  // Smallest T: the first power of two inside the range whose search fits
  // in T / 2, by a scan over every power of two.
  const double smallest = SwxzSmallestHorizon(n, 256, delta, 1.0);
  for (int k = 1; k <= 40; ++k) {
    const double t = std::ldexp(1.0, k);
    const bool fits =
        SwxzRandomOrderValid(n, t, delta) && SwxzSearchDays(n, 256, t, delta, 1.0) <= t / 2;
    if (t < smallest) CHECK_FALSE(fits);
    if (t == smallest) CHECK(fits);
  }
  // Probation pools: detection epoch (2 margin)^2 ln(S T + 1) / delta^2;
  // admission epoch margin^2 ln(S T + 1) / (delta (1 - 1/m))^2; a single
  // pool's search (n / (2m) + 1) B; parallel pools n / (2 sum m_j / B_j) +
  // min B_j; the multiscale sweeps w (B0 + 2 B0 + ...) up to the first
  // window >= B*, then (w/2 + 1) of it.
  CHECK(PoolDetectionEpoch(0.5, 0.2, 32, 1000) == Approx(std::log(32001.0) / 0.04));
  CHECK(PoolAdmissionEpoch(0.5, 0.2, 4, 32, 1000) ==
        Approx(0.25 * std::log(32001.0) / (0.15 * 0.15)));
  CHECK(ProbationSearchDays(1024, 8, 100) == Approx(65 * 100));
  const double m[] = {4, 4}, b[] = {128, 256};
  CHECK(ParallelProbationSearchDays(1024, m, b, 2) ==
        Approx(1024 / (2 * (4.0 / 128 + 4.0 / 256)) + 128));
  // n = 100, k = 10, m = 10: w = 9 windows per sweep; B0 = 16, B* = 100:
  // sweeps at 16, 32, 64 (9 * 112 days), then (4.5 + 1) windows of 128.
  CHECK(MultiscaleSearchDays(100, 10, 10, 16, 100) == Approx(9 * 112 + 5.5 * 128));
}

}  // namespace
}  // namespace expertlab::theory
