#include "theory/memory_bounds.h"

#include <algorithm>
#include <cmath>

namespace expertlab::theory {

double SwxzLowerBound(double n, double horizon, double memory) {
  return std::sqrt(n * horizon / memory);
}

double Pr23ObliviousRegret(double n, double horizon, double memory) {
  return std::sqrt(n * horizon / memory);
}

double Pr23AdaptiveRegret(double n, double horizon, double memory) {
  return std::max(std::sqrt(n * horizon / memory), std::sqrt(n) * horizon / memory);
}

double DeltaStar(double c, double n, double horizon, double memory) {
  return c * std::sqrt(n / (memory * horizon));
}

double RandomSubsetRegret(double n, double memory, double delta, double horizon) {
  return (1 - memory / n) * delta * horizon + std::sqrt(horizon * std::log(memory) / 2);
}

double LowMistakeRegret(double n, double memory) { return n / memory; }

double PoolCyclingRegret(double n, double mistakes, double memory) { return n * mistakes / memory; }

bool SwxzRandomOrderValid(double n, double horizon, double delta) {
  const double log2n = std::log2(n);
  return delta > std::sqrt(16 * log2n * log2n / horizon);
}

double SwxzResampleDays(double n, double horizon, double delta, double slack) {
  const double alpha = 0.5 - delta;
  const double log_t = std::log(std::max(horizon, 2.0));
  const double scale = 1 + delta / 2;
  // a tau - b sqrt(tau) - c = 0 with a = 1/2 - scale alpha > 0.
  const double a = 0.5 - scale * alpha;
  const double b = scale * slack * 4 * std::sqrt(log_t);
  const double c = scale * slack * 4 * log_t / alpha + 2 * std::log(n) / delta;
  const double root = (b + std::sqrt(b * b + 4 * a * c)) / (2 * a);
  return root * root;
}

double SwxzSearchDays(double n, double memory, double horizon, double delta, double slack) {
  return n / memory * SwxzResampleDays(n, horizon, delta, slack);
}

double SwxzSmallestHorizon(double n, double memory, double delta, double slack) {
  for (int k = 1; k <= 40; ++k) {
    const double horizon = std::ldexp(1.0, k);
    if (SwxzRandomOrderValid(n, horizon, delta) &&
        SwxzSearchDays(n, memory, horizon, delta, slack) <= horizon / 2)
      return horizon;
  }
  return 0;
}

double PoolDetectionEpoch(double margin, double delta, double memory, double horizon) {
  return 4 * margin * margin * std::log(memory * horizon + 1) / (delta * delta);
}

double PoolAdmissionEpoch(double margin, double delta, double candidates, double memory,
                          double horizon) {
  const double lead = delta * (1 - 1 / std::max(candidates, 2.0));
  return margin * margin * std::log(memory * horizon + 1) / (lead * lead);
}

double ParallelProbationSearchDays(double n, const double* candidates, const double* epochs,
                                   int pools) {
  double rate = 0, shortest = 0;
  for (int j = 0; j < pools; ++j) {
    rate += candidates[j] / epochs[j];
    shortest = j == 0 ? epochs[j] : std::min(shortest, epochs[j]);
  }
  return n / (2 * rate) + shortest;
}

double ProbationSearchDays(double n, double candidates, double epoch) {
  return (n / (2 * candidates) + 1) * epoch;
}

double MultiscaleSearchDays(double n, double active, double candidates, double base_epoch,
                            double detection_epoch) {
  const double sweep = std::ceil((n - active) / candidates);
  double days = 0, window = base_epoch;
  for (; window < detection_epoch; window *= 2) days += sweep * window;
  return days + (sweep / 2 + 1) * window;
}

bool SwxzLowMistakeValid(double n, double horizon, double delta, double mistakes) {
  const double log2n = std::log2(n);
  return delta > std::sqrt(128 * log2n * log2n / horizon) &&
         mistakes < delta * delta * horizon / (1280 * log2n * log2n);
}

double KillOnPlayLossRate(double good_held, double window) {
  return std::max(0.0, 1 - good_held / (window + 1));
}

}  // namespace expertlab::theory
