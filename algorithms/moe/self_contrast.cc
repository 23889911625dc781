#include "algorithms/moe/self_contrast.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/check.h"

namespace expertlab::moe {

void SelfContrastLogits(const float* strong, const float* weak, int64_t vocab, double alpha,
                        double beta, float* out) {
  EXPERTLAB_CHECK(alpha > 0 && alpha <= 1) << "alpha: must be in (0, 1], got " << alpha;
  EXPERTLAB_CHECK(beta >= 0 && std::isfinite(beta)) << "beta: must be >= 0, got " << beta;
  if (vocab <= 0) return;
  const double cut = std::log(alpha) + *std::max_element(strong, strong + vocab);
  for (int64_t i = 0; i < vocab; ++i)
    out[i] = strong[i] >= cut ? static_cast<float>((1 + beta) * strong[i] - beta * weak[i])
                              : -std::numeric_limits<float>::infinity();
}

}  // namespace expertlab::moe
