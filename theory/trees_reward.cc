#include "theory/trees_reward.h"

#include <cmath>
#include <vector>

#include "sim/check.h"

namespace expertlab::theory {
namespace {

// Binomial(n, p) probabilities of 0..n.
std::vector<double> BinomialPmf(int n, double p) {
  std::vector<double> pmf(static_cast<size_t>(n) + 1);
  for (int k = 0; k <= n; ++k)
    pmf[static_cast<size_t>(k)] =
        std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0)) *
        std::pow(p, k) * std::pow(1.0 - p, n - k);
  return pmf;
}

// Success probability of a decision from a log-likelihood margin: 1 above
// zero, `tie` at zero (up to rounding), 0 below.
double Decide(double margin, double above, double tie, double below) {
  constexpr double kTolerance = 1e-9;
  if (margin > kTolerance) return above;
  if (margin < -kTolerance) return below;
  return tie;
}

}  // namespace

double RegionBayesReward(int experts, int classes, double honest_in, double honest_out) {
  EXPERTLAB_CHECK(experts >= 1 && classes >= 2 && honest_in > 0 && honest_in < 1 &&
                  honest_out > 0 && honest_out < 1)
      << "RegionBayesReward: expected N >= 1, K >= 2 and honesty rates in (0, 1)";
  const double w_in = std::log(honest_in / (1 - honest_in));
  const double w_out = std::log(honest_out / (1 - honest_out));
  const double others = classes - 1.0;
  const std::vector<double> membership = BinomialPmf(experts, 0.5);
  double reward = 0;
  for (int n_in = 0; n_in <= experts; ++n_in) {
    const int n_out = experts - n_in;
    const std::vector<double> honest_a = BinomialPmf(n_in, honest_in);
    const std::vector<double> honest_b = BinomialPmf(n_out, honest_out);
    const double all_log_odds = n_in * w_in + n_out * w_out + std::log(others);
    double correct = 0;
    for (int h_in = 0; h_in <= n_in; ++h_in) {
      for (int h_out = 0; h_out <= n_out; ++h_out) {
        const double p = honest_a[static_cast<size_t>(h_in)] * honest_b[static_cast<size_t>(h_out)];
        const int honest = h_in + h_out;
        if (honest == experts) {  // all name the label
          correct += p * Decide(all_log_odds, 1.0, 1.0 / classes, 0.0);
        } else if (honest == 0) {  // all name the wrong class
          correct += p * Decide(all_log_odds, 0.0, 1.0 / classes, 1.0 / others);
        } else {
          const double margin = (2 * h_in - n_in) * w_in + (2 * h_out - n_out) * w_out;
          correct += p * Decide(margin, 1.0, 0.5, 0.0);
        }
      }
    }
    reward += membership[static_cast<size_t>(n_in)] * correct;
  }
  return reward;
}

double MarginalHonesty(double honest_in, double honest_out) {
  return 0.5 * (honest_in + honest_out);
}

}  // namespace expertlab::theory
