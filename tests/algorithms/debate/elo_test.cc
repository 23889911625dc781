#include "algorithms/debate/elo.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/samplers.h"
#include "tests/algorithms/debate/conformance.h"

namespace expertlab::debate {
namespace {

using Matrix = std::vector<std::vector<double>>;

const std::vector<double> kTrue = {0.0, -180.0, -60.0, 90.0, 250.0};

Matrix Exact() {
  Matrix wins(kTrue.size(), std::vector<double>(kTrue.size(), 0.5));
  for (size_t i = 0; i < kTrue.size(); ++i)
    for (size_t j = 0; j < kTrue.size(); ++j) wins[i][j] = EloWinProbability(kTrue[i] - kTrue[j]);
  return wins;
}

TEST_CASE("elo: the paper's conversion from rating difference to win rate", "[theory]") {
  // Khan et al. (ICML 2024), Fig. 7 axis: 50, 57, 64 and 70% at 0, 50, 100, 150.
  CHECK(EloWinProbability(0) == 0.5);
  CHECK(EloWinProbability(50) == Approx(0.57).margin(0.005));
  CHECK(EloWinProbability(100) == Approx(0.64).margin(0.005));
  CHECK(EloWinProbability(150) == Approx(0.70).margin(0.005));
}

TEST_CASE("elo: exact win rates give back the ratings", "[theory]") {
  const Matrix games(kTrue.size(), std::vector<double>(kTrue.size(), 1.0));
  const EloFit fit = FitElo(Exact(), games, 0);
  for (size_t i = 0; i < kTrue.size(); ++i) CHECK(fit.ratings[i] == Approx(kTrue[i]).margin(1e-6));
  CHECK(fit.rms_residual < 1e-9);
}

TEST_CASE("elo: simulated round robin recovers the skill ordering", "[theory]") {
  // 3000 games per ordered pair. A win rate's standard error is at most
  // sqrt(0.25 / 3000) = 0.0091, i.e. at most 0.0091 / (p (1 - p) ln 10 / 400)
  // <= 0.0091 / (0.17 * 0.00576) = 9.3 points at |D| <= 430. A fitted rating
  // pools 8 such rates, so 4 single-rate errors (37 points) is a loose bound;
  // neighbouring true ratings are >= 90 apart, so the ordering is recovered.
  const int games_per_pair = 3000;
  Rng rng = testing::TestRng(9);
  const Matrix exact = Exact();
  const size_t n = kTrue.size();
  Matrix wins(n, std::vector<double>(n, 0.0)), games(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      int won = 0;
      for (int g = 0; g < games_per_pair; ++g) won += Bernoulli(rng, exact[i][j]);
      wins[i][j] = static_cast<double>(won) / games_per_pair;
      games[i][j] = games_per_pair;
    }
  const EloFit fit = FitElo(wins, games, 0);
  for (size_t i = 0; i < n; ++i) CHECK(std::abs(fit.ratings[i] - kTrue[i]) < 37.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      if (kTrue[i] < kTrue[j]) CHECK(fit.ratings[i] < fit.ratings[j]);
}

TEST_CASE("elo: bad input is refused", "[unit]") {
  const Matrix games(2, std::vector<double>(2, 1.0));
  CHECK_THROWS_WITH(FitElo({{0.5, 1.5}, {0.5, 0.5}}, games, 0), Catch::Contains("outside [0, 1]"));
  CHECK_THROWS_WITH(FitElo({{0.5, 0.5}, {0.5, 0.5}}, games, 2), Catch::Contains("reference"));
  CHECK_THROWS_WITH(FitElo({{0.5, 0.5}, {0.5, 0.5}}, {{0, 1}, {2, 0}}, 0),
                    Catch::Contains("symmetric"));
}

}  // namespace
}  // namespace expertlab::debate
