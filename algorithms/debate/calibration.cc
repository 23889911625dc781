#include "algorithms/debate/calibration.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/check.h"

namespace expertlab::debate {

namespace {

double ArgmaxCorrect(double p) { return p > 0.5 ? 1.0 : p == 0.5 ? 0.5 : 0.0; }

}  // namespace

Calibration Calibrate(const std::vector<double>& truth, int bins, double coverage) {
  EXPERTLAB_CHECK(!truth.empty()) << "Calibrate: no questions";
  EXPERTLAB_CHECK(bins >= 1) << "Calibrate: bins = " << bins << ", expected >= 1";
  EXPERTLAB_CHECK(coverage > 0.0 && coverage <= 1.0)
      << "Calibrate: coverage = " << coverage << ", expected a value in (0, 1]";
  const size_t count = truth.size();
  Calibration out;
  std::vector<double> correct(bins, 0.0), confidence(bins, 0.0);
  for (double p : truth) {
    EXPERTLAB_CHECK(p >= 0.0 && p <= 1.0) << "Calibrate: probability " << p << " outside [0, 1]";
    out.brier += (1.0 - p) * (1.0 - p);
    out.argmax_accuracy += ArgmaxCorrect(p);
    const double c = std::max(p, 1.0 - p);
    const int bin = std::min(bins - 1, static_cast<int>((c - 0.5) * 2.0 * bins));
    correct[bin] += ArgmaxCorrect(p);
    confidence[bin] += c;
  }
  for (int b = 0; b < bins; ++b)
    out.calibration_error += std::abs(correct[b] - confidence[b]);
  const double n = static_cast<double>(count);
  out.brier /= n;
  out.argmax_accuracy /= n;
  out.calibration_error /= n;

  std::vector<size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&truth](size_t a, size_t b) {
    return std::max(truth[a], 1.0 - truth[a]) > std::max(truth[b], 1.0 - truth[b]);
  });
  const size_t kept = std::max<size_t>(1, static_cast<size_t>(std::ceil(coverage * n - 1e-9)));
  for (size_t k = 0; k < kept; ++k) out.selective_accuracy += ArgmaxCorrect(truth[order[k]]);
  out.selective_accuracy /= static_cast<double>(kept);
  return out;
}

}  // namespace expertlab::debate
