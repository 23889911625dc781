#include "algorithms/debate/elo.h"

#include <Eigen/Dense>
#include <cmath>
#include <numbers>

#include "sim/check.h"

namespace expertlab::debate {

double EloWinProbability(double difference) {
  return 1.0 / (1.0 + std::pow(10.0, -difference / 400.0));
}

namespace {

// Weighted sum of squared residuals and, when asked, the Gauss-Newton
// normal equations over the free players (all but the reference).
double Objective(const std::vector<std::vector<double>>& wins,
                 const std::vector<std::vector<double>>& games, const std::vector<double>& e,
                 const std::vector<int>& column, Eigen::MatrixXd* normal, Eigen::VectorXd* grad) {
  const double slope = std::numbers::ln10 / 400.0;
  double total = 0.0;
  for (size_t i = 0; i < e.size(); ++i)
    for (size_t j = 0; j < e.size(); ++j) {
      if (i == j || games[i][j] == 0.0) continue;
      const double p = EloWinProbability(e[i] - e[j]);
      const double residual = p - wins[i][j];
      total += games[i][j] * residual * residual;
      if (normal == nullptr) continue;
      const double d = p * (1.0 - p) * slope;  // d p / d E_i = -d p / d E_j
      const int a = column[i], b = column[j];
      if (a >= 0) (*grad)(a) += games[i][j] * residual * d;
      if (b >= 0) (*grad)(b) -= games[i][j] * residual * d;
      if (a >= 0) (*normal)(a, a) += games[i][j] * d * d;
      if (b >= 0) (*normal)(b, b) += games[i][j] * d * d;
      if (a >= 0 && b >= 0) {
        (*normal)(a, b) -= games[i][j] * d * d;
        (*normal)(b, a) -= games[i][j] * d * d;
      }
    }
  return total;
}

}  // namespace

EloFit FitElo(const std::vector<std::vector<double>>& wins,
              const std::vector<std::vector<double>>& games, int reference) {
  const size_t n = wins.size();
  EXPERTLAB_CHECK(n >= 2 && games.size() == n) << "FitElo: expected two square matrices of one "
                                                  "size >= 2 (win rates and game counts)";
  EXPERTLAB_CHECK(reference >= 0 && static_cast<size_t>(reference) < n)
      << "FitElo: reference " << reference << " is not one of the " << n << " players";
  double weight = 0.0;
  for (size_t i = 0; i < n; ++i) {
    EXPERTLAB_CHECK(wins[i].size() == n && games[i].size() == n)
        << "FitElo: row " << i << " has the wrong length (expected " << n << ")";
    for (size_t j = 0; j < n; ++j) {
      EXPERTLAB_CHECK(wins[i][j] >= 0.0 && wins[i][j] <= 1.0)
          << "FitElo: win rate " << wins[i][j] << " of " << i << " over " << j
          << " outside [0, 1]";
      EXPERTLAB_CHECK(games[i][j] >= 0.0 && games[i][j] == games[j][i])
          << "FitElo: game counts must be >= 0 and symmetric (" << i << ", " << j << ")";
      weight += games[i][j];
    }
  }
  EXPERTLAB_CHECK(weight > 0.0) << "FitElo: no games played";
  std::vector<int> column(n, -1);
  int free = 0;
  for (size_t i = 0; i < n; ++i)
    if (static_cast<int>(i) != reference) column[i] = free++;
  std::vector<double> e(n, 0.0);
  double damping = 1e-3;
  double current = Objective(wins, games, e, column, nullptr, nullptr);
  for (int iteration = 0; iteration < 200; ++iteration) {
    Eigen::MatrixXd normal = Eigen::MatrixXd::Zero(free, free);
    Eigen::VectorXd grad = Eigen::VectorXd::Zero(free);
    Objective(wins, games, e, column, &normal, &grad);
    Eigen::MatrixXd damped = normal;
    damped.diagonal() += damping * (normal.diagonal().array() + 1e-12).matrix();
    const Eigen::VectorXd step = damped.ldlt().solve(-grad);
    std::vector<double> trial = e;
    for (size_t i = 0; i < n; ++i)
      if (column[i] >= 0) trial[i] += std::clamp(step(column[i]), -400.0, 400.0);
    const double next = Objective(wins, games, trial, column, nullptr, nullptr);
    if (next <= current) {
      const bool converged = current - next <= 1e-14 * (1.0 + current);
      e = std::move(trial);
      current = next;
      damping = std::max(damping / 3.0, 1e-9);
      if (converged) break;
    } else {
      damping *= 4.0;
      if (damping > 1e12) break;
    }
  }
  return {e, std::sqrt(current / weight)};
}

}  // namespace expertlab::debate
