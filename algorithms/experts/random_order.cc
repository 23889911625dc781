#include "algorithms/experts/random_order.h"

#include <numeric>

#include "algorithms/experts/kernels.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::experts {

RandomOrder::RandomOrder(const Params& params)
    : delta_(params.Double("delta")),
      phases_(static_cast<int>(params.Int("phases"))),
      shuffled_(params.String("order") == "shuffled") {}

void RandomOrder::Start(int num_experts, int64_t horizon, Rng rng) {
  num_experts_ = num_experts;
  horizon_ = horizon;
  planted_ = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(num_experts)));
  key_ = rng.NextU64();
  group_key_ = rng.NextU64();
  order_.clear();
  if (shuffled_) {
    order_.resize(horizon);
    std::iota(order_.begin(), order_.end(), int64_t{1});
    Shuffle(rng, order_);
  }
}

int RandomOrder::Group(int expert) const {
  return static_cast<int>(Mix64(group_key_ + static_cast<uint64_t>(expert)) %
                          static_cast<uint64_t>(phases_));
}

int RandomOrder::Phase(int64_t source_day) const {
  return static_cast<int>((source_day - 1) * phases_ / horizon_);
}

double RandomOrder::Mean(int64_t day, int expert) const {
  if (expert == planted_) return 0.5 - delta_;
  return Group(expert) == Phase(SourceDay(day)) ? 0.5 - 2 * delta_
                                                : 0.5 + 2 * delta_ / (phases_ - 1);
}

double RandomOrder::Loss(int64_t day, int expert) const {
  // Hashed by the source day, so a day keeps its losses when shuffled.
  const uint64_t bits =
      CellBits(key_, static_cast<uint64_t>(SourceDay(day)), static_cast<uint64_t>(expert));
  return BitsToUniform(bits) < Mean(day, expert) ? 1.0 : 0.0;
}

EXPERTLAB_REGISTER(LossSequence, RandomOrder, "random_order",
                   "K-phase decoy sequence (i* best overall, a decoy group "
                   "leads each phase), days shuffled (SWXZ22 random order)",
                   {ParamSpec::Double("delta", 0.05, Bounds::Open(0.0, 0.25),
                                      "advantage of i* (decoys get 2 delta "
                                      "in their phase)"),
                    ParamSpec::Int("phases", 4, Bounds::Closed(2, 1 << 20), "number of phases K"),
                    ParamSpec::Choice("order", "shuffled", {"shuffled", "sorted"},
                                      "random order or the adversary's "
                                      "order")})

}  // namespace expertlab::experts
