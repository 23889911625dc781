// Elo ratings from cross-play win rates (Khan et al., ICML 2024, §2.3 and
// App. D.5): the win rate of player i over player j is modelled as
//   w_ij = 1 / (1 + 10^((E_j - E_i) / 400)),
// and the ratings minimise sum over played pairs of
// games_ij (w_ij(E) - observed_ij)^2 with a reference player pinned at 0.
// Solved by Levenberg-Marquardt (damped Gauss-Newton) from E = 0.
#pragma once

#include <vector>

namespace expertlab::debate {

// 1 / (1 + 10^(-difference / 400)).
double EloWinProbability(double difference);

struct EloFit {
  std::vector<double> ratings;
  double rms_residual = 0.0;  // sqrt(weighted mean squared residual)
};

// wins[i][j] = observed win rate of i over j, games[i][j] = its weight (0 =
// not played; games must be symmetric). Errors unless the matrices are
// square, of one size >= 2, rates in [0, 1], weights >= 0 and `reference`
// a player.
EloFit FitElo(const std::vector<std::vector<double>>& wins,
              const std::vector<std::vector<double>>& games, int reference);

}  // namespace expertlab::debate
