#include "algorithms/experts/mw.h"

#include <algorithm>
#include <cmath>

#include "sim/registry.h"

namespace expertlab::experts {

MultiplicativeWeights::MultiplicativeWeights(const Params& params)
    : fixed_eps_(params.AutoDouble("eps")) {}

void MultiplicativeWeights::Start(int num_experts, int64_t horizon, Rng rng) {
  num_experts_ = num_experts;
  words_ = ExpWeights::Words(num_experts);
  eps_ = fixed_eps_ ? *fixed_eps_
                    : std::min(0.5, std::sqrt(std::log(static_cast<double>(num_experts)) /
                                              static_cast<double>(horizon)));
  // (1 - eps)^l = exp(-eta l): eps = 0 (n = 1) is eta = 0, uniform play.
  eta_ = -std::log1p(-eps_);
  weights_.Reset(num_experts);
  rng_ = std::move(rng);
}

EXPERTLAB_REGISTER(ExpertsLearner, MultiplicativeWeights, "mw",
                   "multiplicative weights w <- w (1-eps)^loss "
                   "(Arora-Hazan-Kale)",
                   {ParamSpec::AutoDouble("eps", Bounds{0.0, 0.5, true, false},
                                          "rate in (0, 1/2]; auto = "
                                          "min(1/2, sqrt(ln n / T))")})

}  // namespace expertlab::experts
