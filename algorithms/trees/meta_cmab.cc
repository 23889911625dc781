#include "algorithms/trees/meta_cmab.h"

#include "sim/registry.h"

namespace expertlab::trees {

std::vector<ParamSpec> MetaCmabParams(std::vector<ParamSpec> specs) {
  specs.push_back(
      ParamSpec::Double("explore", 1.0, Bounds::AtLeast(0), "UCB width multiplier beta"));
  specs.push_back(
      ParamSpec::Double("ridge", 100.0, Bounds::Positive(), "ridge alpha (A_0 = alpha I)"));
  return specs;
}

void MetaCmab::Start(const Problem& problem, Rng rng) {
  model_.emplace(problem.experts, problem.classes, explore_, ridge_);
  rng_ = rng;
}

int MetaCmab::Choose(const RoundView& round) {
  model_->Greedy(round.advice, tied_);
  return PickTied(tied_, rng_);
}

void MetaCmab::Observe(const RoundView& round, int arm, double reward) {
  model_->Update(round.advice, arm, reward);
}

EXPERTLAB_REGISTER(
    AdviceLearner, MetaCmab, "meta_cmab",
    "Meta-CMAB: one LinUCB over centred advice, context-blind (Abels et al. AIJ 2023)",
    (MetaCmabParams()));

}  // namespace expertlab::trees
