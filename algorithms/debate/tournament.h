// Cross-play tournament and the ratings fitted to it (Khan et al.,
// "Debating with More Persuasive LLMs Leads to More Truthful Answers", ICML
// 2024, §2.3 and App. D.5).
//
// Every ordered pair (i, j) of a roster, i = j included, plays the same
// questions with expert i on the true answer and expert j on the
// distractor; truth[i][j] is the judge's mean probability of picking the
// true answer, i.e. i's win rate when assigned the correct answer (the
// paper's directional win rate omega_C).
//
// Aggregate ratings: i's win rate over j with assignments flipped and
// averaged, wbar_ij = (truth[i][j] + 1 - truth[j][i]) / 2, fitted by FitElo
// (elo.h) with the reference expert at 0; i is more persuasive than j iff
// wbar_ij > 1/2.
// Correct/incorrect ratings: truth[i][j] = 1 / (1 + 10^((E^I_j - E^C_i)/400))
// for all i, j (the paper's E^C and E^I), fitted as one Elo over 2n players
// who meet only across the two groups; the fit fixes them up to one common
// shift, chosen so that the reference's (E^C + E^I) / 2 is 0. The gap
// E^C_i - E^I_i does not depend on that choice.
#pragma once

#include <vector>

#include "algorithms/debate/expert.h"
#include "algorithms/debate/judge.h"
#include "algorithms/debate/protocol.h"
#include "algorithms/debate/world.h"
#include "sim/rng.h"

namespace expertlab::debate {

using WinMatrix = std::vector<std::vector<double>>;

// truth[i][j] over `questions` (each question once per ordered pair, pairs
// in row-major order, all draws from `rng`).
WinMatrix RoundRobin(const Protocol& protocol, const std::vector<Question>& questions,
                     const Judge& judge, const std::vector<Expert>& roster, Rng& rng);

// wbar_ij; 1/2 on the diagonal.
WinMatrix FlippedWinRates(const WinMatrix& truth);

struct TournamentRatings {
  std::vector<double> aggregate;  // Elo from wbar, reference at 0
  std::vector<double> correct;    // E^C
  std::vector<double> incorrect;  // E^I
  double aggregate_rms = 0.0;     // FitElo's rms residual of each fit
  double directional_rms = 0.0;
};

// Errors unless `truth` is square (n >= 2), its rates lie in [0, 1] and
// `reference` is a player.
TournamentRatings RateTournament(const WinMatrix& truth, int reference);

}  // namespace expertlab::debate
