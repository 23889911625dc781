#include "algorithms/trees/knn.h"

#include <algorithm>
#include <cmath>

#include "algorithms/trees/advice_linucb.h"
#include "algorithms/trees/meta_cmab.h"
#include "sim/registry.h"

namespace expertlab::trees {

void NearestNeighbours::Start(const Problem& problem, Rng rng) {
  problem_ = problem;
  rng_ = rng;
  contexts_.resize(problem.dims, std::max<int64_t>(problem.horizon, 1));
  advice_.clear();
  arms_.clear();
  rewards_.clear();
  rounds_ = 0;
}

int NearestNeighbours::Choose(const RoundView& round) {
  AdviceLinUcb model(problem_.experts, problem_.classes, explore_, ridge_);
  if (rounds_ > 0) {
    const auto t = static_cast<Eigen::Index>(rounds_);
    const Eigen::Map<const Eigen::VectorXd> x(round.context.data(),
                                              static_cast<Eigen::Index>(round.context.size()));
    distance_ = (contexts_.leftCols(t).colwise() - x).colwise().squaredNorm().transpose();
    const auto k = std::max<int64_t>(
        1, static_cast<int64_t>(std::floor(fraction_ * static_cast<double>(rounds_))));
    sorted_.assign(distance_.data(), distance_.data() + t);
    std::nth_element(sorted_.begin(), sorted_.begin() + (k - 1), sorted_.end());
    const double radius = sorted_[static_cast<size_t>(k - 1)];
    const auto n = static_cast<size_t>(problem_.experts);
    for (Eigen::Index s = 0; s < t; ++s) {
      if (distance_[s] > radius) continue;
      const auto i = static_cast<size_t>(s);
      model.Update(std::span<const int>(advice_.data() + i * n, n), arms_[i], rewards_[i]);
    }
  }
  model.Greedy(round.advice, tied_);
  return PickTied(tied_, rng_);
}

void NearestNeighbours::Observe(const RoundView& round, int arm, double reward) {
  if (rounds_ == contexts_.cols()) contexts_.conservativeResize(Eigen::NoChange, 2 * rounds_);
  for (size_t c = 0; c < round.context.size(); ++c)
    contexts_(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(rounds_)) = round.context[c];
  advice_.insert(advice_.end(), round.advice.begin(), round.advice.end());
  arms_.push_back(arm);
  rewards_.push_back(reward);
  ++rounds_;
}

EXPERTLAB_REGISTER(AdviceLearner, NearestNeighbours, "knn",
                   "nearest-neighbour Meta-CMAB: a fresh Meta-CMAB on the fraction t nearest "
                   "logged contexts each round (Abels et al. ICML 2023)",
                   (MetaCmabParams({ParamSpec::Double("fraction", 0.1, Bounds::Closed(1e-6, 1.0),
                                                      "neighbourhood size as a fraction of t")})));

}  // namespace expertlab::trees
