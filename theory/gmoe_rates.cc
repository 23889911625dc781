#include "theory/gmoe_rates.h"

#include <cmath>

#include "sim/check.h"

namespace expertlab::theory {

double InverseLogSlope(double n_min, double n_max, int points) {
  EXPERTLAB_CHECK(n_min > 1 && n_max > n_min && points >= 2)
      << "InverseLogSlope: need 1 < n_min < n_max and at least 2 points";
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < points; ++i) {
    const double lx = std::log(n_min) + (std::log(n_max) - std::log(n_min)) * i / (points - 1);
    const double ly = -std::log(lx);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  const double m = static_cast<double>(points);
  return (m * sxy - sx * sy) / (m * sxx - sx * sx);
}

double PredictedVoronoiSlope(bool homogeneous_gate, bool tau_estimated, bool raw_coordinates) {
  if (homogeneous_gate && tau_estimated && raw_coordinates)
    return InverseLogSlope(kRateGridMin, kRateGridMax, 64);
  return -0.5;
}

}  // namespace expertlab::theory
