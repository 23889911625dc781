#include "algorithms/debate/tournament.h"

#include "algorithms/debate/elo.h"
#include "sim/check.h"

namespace expertlab::debate {

WinMatrix RoundRobin(const Protocol& protocol, const std::vector<Question>& questions,
                     const Judge& judge, const std::vector<Expert>& roster, Rng& rng) {
  EXPERTLAB_CHECK(!questions.empty()) << "RoundRobin: no questions";
  const size_t n = roster.size();
  WinMatrix truth(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      double total = 0.0;
      for (const Question& question : questions)
        total += protocol.Run(question, judge, {roster[i], roster[j]}, rng).accuracy;
      truth[i][j] = total / static_cast<double>(questions.size());
    }
  return truth;
}

WinMatrix FlippedWinRates(const WinMatrix& truth) {
  const size_t n = truth.size();
  WinMatrix wins(n, std::vector<double>(n, 0.5));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      if (i != j) wins[i][j] = 0.5 * (truth[i][j] + 1.0 - truth[j][i]);
  return wins;
}

TournamentRatings RateTournament(const WinMatrix& truth, int reference) {
  const size_t n = truth.size();
  EXPERTLAB_CHECK(n >= 2) << "RateTournament: expected at least two players, got " << n;
  for (const std::vector<double>& row : truth)
    EXPERTLAB_CHECK(row.size() == n) << "RateTournament: the win matrix is not square";
  EXPERTLAB_CHECK(reference >= 0 && static_cast<size_t>(reference) < n)
      << "RateTournament: reference " << reference << " is not one of the " << n << " players";
  TournamentRatings ratings;
  WinMatrix games(n, std::vector<double>(n, 1.0));
  for (size_t i = 0; i < n; ++i) games[i][i] = 0.0;
  const EloFit aggregate = FitElo(FlippedWinRates(truth), games, reference);
  ratings.aggregate = aggregate.ratings;
  ratings.aggregate_rms = aggregate.rms_residual;

  // Players 0..n-1 argue the correct answer, n..2n-1 the incorrect one.
  WinMatrix wins(2 * n, std::vector<double>(2 * n, 0.5));
  WinMatrix meetings(2 * n, std::vector<double>(2 * n, 0.0));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      wins[i][n + j] = truth[i][j];
      wins[n + j][i] = 1.0 - truth[i][j];
      meetings[i][n + j] = meetings[n + j][i] = 1.0;
    }
  const EloFit directional = FitElo(wins, meetings, reference);
  const size_t ref = static_cast<size_t>(reference);
  const double shift = 0.5 * (directional.ratings[ref] + directional.ratings[n + ref]);
  for (size_t i = 0; i < n; ++i) {
    ratings.correct.push_back(directional.ratings[i] - shift);
    ratings.incorrect.push_back(directional.ratings[n + i] - shift);
  }
  ratings.directional_rms = directional.rms_residual;
  return ratings;
}

}  // namespace expertlab::debate
