#include "algorithms/experts/random_subset.h"

#include <cmath>

#include "algorithms/experts/pool.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "theory/experts_bounds.h"

namespace expertlab::experts {

RandomSubset::RandomSubset(const Params& params)
    : memory_(params.Int("memory")), fixed_eta_(params.AutoDouble("eta")) {}

void RandomSubset::Start(int num_experts, int64_t horizon, Rng rng) {
  CheckMemoryBudget("random_subset", memory_, num_experts);
  rng_ = std::move(rng);
  ids_.clear();
  index_.Reset(static_cast<int>(memory_));
  for (uint64_t id : SampleWithoutReplacement(rng_, static_cast<uint64_t>(num_experts),
                                              static_cast<uint64_t>(memory_))) {
    index_.Set(static_cast<int>(id), static_cast<int>(ids_.size()));
    ids_.push_back(static_cast<int>(id));
  }
  eta_ = fixed_eta_ ? *fixed_eta_ : theory::HedgeOptimalEta(memory_, horizon);
  weights_.Reset(memory_);
  today_.resize(memory_);
}

int RandomSubset::Act() { return ids_[weights_.Sample(rng_.Uniform())]; }

double RandomSubset::ExpectedLoss(const LossView& losses) const {
  double total = 0;
  for (size_t k = 0; k < ids_.size(); ++k) total += weights_.weights()[k] * losses[ids_[k]];
  return total / weights_.total();
}

void RandomSubset::Observe(const LossView& losses) {
  for (size_t k = 0; k < ids_.size(); ++k) today_[k] = losses[ids_[k]];
  weights_.Update(today_, eta_);
}

void RandomSubset::HeldExperts(int, std::vector<int>& out) const { out = ids_; }

EXPERTLAB_REGISTER(ExpertsLearner, RandomSubset, "random_subset",
                   "Hedge on S experts fixed at random on day 1 (no "
                   "exploration baseline)",
                   {ParamSpec::Int("memory", 16, Bounds::Closed(1, 1 << 30),
                                   "memory S in words (experts tracked)"),
                    ParamSpec::AutoDouble("eta", Bounds::Positive(),
                                          "Hedge rate; auto = sqrt(8 ln S/T)")})

}  // namespace expertlab::experts
