#include "algorithms/ranking/row_means.h"

#include <cmath>

namespace expertlab::ranking {

ParamSpec RangeParam() {
  return ParamSpec::Double("range", 1.0, Bounds::Positive(),
                           "bound on the spread of an expert's means across tasks (sets the "
                           "sub-Gaussian constant 1 + range^2/4 of a random-task pull)");
}

double PullRandomTask(Querier& querier, int expert, Rng& rng) {
  return querier.Sample(expert,
                        static_cast<int>(rng.UniformInt(static_cast<uint64_t>(querier.tasks()))));
}

double RowMeanRadius(int64_t pulls, int experts, double delta, double range) {
  const double u = static_cast<double>(pulls);
  const double sigma2 = 1.0 + range * range / 4.0;
  return std::sqrt(2.0 * sigma2 * std::log(4.0 * experts * u * u / delta) / u);
}

}  // namespace expertlab::ranking
