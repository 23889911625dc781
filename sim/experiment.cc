#include "sim/experiment.h"

#include <algorithm>
#include <cmath>

namespace expertlab {

const Registry<Experiment>::Entry& FindExperiment(std::string_view name) {
  return Registry<Experiment>::Instance().Lookup(name);
}

std::vector<int64_t> LogCheckpoints(int64_t horizon, int per_octave) {
  EXPERTLAB_CHECK(horizon >= 1) << "horizon must be >= 1, got " << horizon;
  EXPERTLAB_CHECK(per_octave >= 1) << "per_octave must be >= 1";
  std::vector<int64_t> steps;
  const double octaves = std::log2(static_cast<double>(horizon));
  const int count = static_cast<int>(std::ceil(octaves * per_octave));
  for (int i = 0; i <= count; ++i) {
    const double t = std::exp2(static_cast<double>(i) / per_octave);
    steps.push_back(std::min<int64_t>(horizon, std::llround(t)));
  }
  steps.push_back(horizon);
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  return steps;
}

}  // namespace expertlab
