#include "algorithms/experts/planted_bernoulli.h"

#include "sim/registry.h"

namespace expertlab::experts {

void PlantedBernoulli::Start(int num_experts, int64_t /*horizon*/, Rng rng) {
  rng_ = std::move(rng);
  planted_ = static_cast<int>(rng_.UniformInt(static_cast<uint64_t>(num_experts)));
}

void PlantedBernoulli::Next(int64_t /*day*/, Eigen::ArrayXd& losses) {
  for (Eigen::Index i = 0; i < losses.size(); ++i) {
    const double mean = 0.5 - (i == planted_ ? delta_ : 0.0);
    losses[i] = rng_.Uniform() < mean ? 1.0 : 0.0;
  }
}

EXPERTLAB_REGISTER(LossSequence, PlantedBernoulli, "planted_bernoulli",
                   "i.i.d. Bernoulli(1/2) losses, one planted expert at "
                   "1/2 - delta (SWXZ22 hard distribution)",
                   {ParamSpec::Double("delta", 0.1, Bounds::Open(0.0, 0.5),
                                      "advantage of the planted expert")})

}  // namespace expertlab::experts
