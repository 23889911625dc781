#include "theory/roofline.h"

#include <algorithm>
#include <cmath>

namespace expertlab::theory {

double MoeExpertFlops(int64_t tokens, int64_t top_k, int64_t d, int64_t f) {
  return 6.0 * static_cast<double>(tokens) * static_cast<double>(top_k) * static_cast<double>(d) *
         static_cast<double>(f);
}

double MoeRouterFlops(int64_t tokens, int64_t d, int64_t experts) {
  return 2.0 * static_cast<double>(tokens) * static_cast<double>(d) * static_cast<double>(experts);
}

double ExpectedExpertsTouched(int64_t experts, int64_t top_k, int64_t tokens) {
  const double e = static_cast<double>(experts);
  return e * (1.0 - std::pow(1.0 - static_cast<double>(top_k) / e, static_cast<double>(tokens)));
}

double MoeWeightBytes(double touched, int64_t d, int64_t f, int bytes_per_weight) {
  return touched * 3.0 * static_cast<double>(d) * static_cast<double>(f) * bytes_per_weight;
}

double MoeIntensity(int64_t tokens, int64_t top_k, double touched, int bytes_per_weight) {
  const double m = static_cast<double>(tokens) * static_cast<double>(top_k) / touched;
  return 2.0 * m / bytes_per_weight;
}

double RooflineGflops(double intensity, double peak_gflops, double bandwidth_gbs) {
  return std::min(peak_gflops, intensity * bandwidth_gbs);
}

double RidgeTokensPerExpert(double peak_gflops, double bandwidth_gbs, int bytes_per_weight) {
  return peak_gflops * bytes_per_weight / (2.0 * bandwidth_gbs);
}

}  // namespace expertlab::theory
