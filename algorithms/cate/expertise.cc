#include "algorithms/cate/expertise.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "sim/check.h"
#include "theory/cate_expertise.h"

namespace expertlab::cate {

using theory::BinaryEntropy;
namespace {

// numpy's linear-interpolation percentile of sorted values, q in [0, 1].
double SortedPercentile(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(position));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (position - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// The bin of v among equal-width edges, clipped into [0, bins - 1].
int EqualBin(double v, double lo, double hi, int bins) {
  if (!(hi > lo)) return 0;
  const int b = static_cast<int>(std::floor((v - lo) / (hi - lo) * bins));
  return std::clamp(b, 0, bins - 1);
}

double CountsEntropy(const std::map<int, double>& counts, double total) {
  double h = 0;
  for (const auto& [bin, c] : counts)
    if (c > 0) h -= c / total * std::log(c / total);
  return h;
}

// I(A; B) / H(A) for binned values `bins` (one bin id per unit).
double NormalisedInformation(const std::vector<int>& bins, std::span<const int> actions) {
  EXPERTLAB_CHECK(bins.size() == actions.size())
      << "plug-in expertise: " << bins.size() << " values but " << actions.size() << " actions";
  const double h_a = ActionEntropy(actions);
  EXPERTLAB_CHECK(h_a > 0) << "plug-in expertise: every action is the same; H(A) = 0";
  std::map<int, double> all;
  std::map<int, double> by_action[2];
  double n_action[2] = {0, 0};
  for (size_t i = 0; i < bins.size(); ++i) {
    all[bins[i]] += 1;
    by_action[actions[i]][bins[i]] += 1;
    n_action[actions[i]] += 1;
  }
  const double n = static_cast<double>(bins.size());
  double info = CountsEntropy(all, n);
  for (int a = 0; a < 2; ++a) info -= n_action[a] / n * CountsEntropy(by_action[a], n_action[a]);
  return info / h_a;
}

}  // namespace

std::vector<double> AutoBinEdges(std::span<const double> values) {
  EXPERTLAB_CHECK(!values.empty()) << "histogram: no values";
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  double lo = sorted.front(), hi = sorted.back();
  if (!(hi > lo)) return {lo - 0.5, hi + 0.5};
  const double n = static_cast<double>(sorted.size());
  const double sturges = (hi - lo) / (std::log2(n) + 1.0);
  const double iqr = SortedPercentile(sorted, 0.75) - SortedPercentile(sorted, 0.25);
  const double fd = 2.0 * iqr * std::pow(n, -1.0 / 3.0);
  const double width = fd > 0 ? std::min(fd, sturges) : sturges;
  const int bins = static_cast<int>(std::ceil((hi - lo) / width));
  std::vector<double> edges(bins + 1);
  for (int k = 0; k <= bins; ++k) edges[k] = lo + (hi - lo) * k / bins;
  return edges;
}

double PlugInPredictive(const Eigen::VectorXd& tau_hat, const Eigen::VectorXd& reference,
                        std::span<const int> actions) {
  const std::vector<double> edges =
      AutoBinEdges(std::span<const double>(reference.data(), reference.size()));
  const int n_bins = static_cast<int>(edges.size()) - 1;
  std::vector<int> bins(tau_hat.size());
  for (Eigen::Index i = 0; i < tau_hat.size(); ++i)
    bins[i] = EqualBin(tau_hat(i), edges.front(), edges.back(), n_bins);
  return NormalisedInformation(bins, actions);
}

double PlugInPrognostic(const Eigen::VectorXd& mu0_hat, const Eigen::VectorXd& mu1_hat,
                        const Eigen::VectorXd& mu0_ref, const Eigen::VectorXd& mu1_ref,
                        std::span<const int> actions) {
  constexpr int kGrid = 10;
  std::vector<int> bins(mu0_hat.size());
  for (Eigen::Index i = 0; i < mu0_hat.size(); ++i)
    bins[i] = kGrid * EqualBin(mu1_hat(i), mu1_ref.minCoeff(), mu1_ref.maxCoeff(), kGrid) +
              EqualBin(mu0_hat(i), mu0_ref.minCoeff(), mu0_ref.maxCoeff(), kGrid);
  return NormalisedInformation(bins, actions);
}

double ActionEntropy(std::span<const int> actions) {
  EXPERTLAB_CHECK(!actions.empty()) << "expertise: no actions";
  double treated = 0;
  for (int a : actions) {
    EXPERTLAB_CHECK(a == 0 || a == 1) << "expertise: action " << a << "; expected 0 or 1";
    treated += a;
  }
  return BinaryEntropy(treated / static_cast<double>(actions.size()));
}

double InContextVariability(const Eigen::VectorXd& propensity, std::span<const int> actions) {
  const double h_a = ActionEntropy(actions);
  EXPERTLAB_CHECK(h_a > 0) << "in-context variability: every action is the same; H(A) = 0";
  double h = 0;
  for (double p : propensity) h += BinaryEntropy(p);
  return h / static_cast<double>(propensity.size()) / h_a;
}

}  // namespace expertlab::cate
