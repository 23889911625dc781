#include "theory/debate_accuracy.h"

#include <cmath>

namespace expertlab::theory {

double FullDisclosureAccuracy(const std::vector<DisclosedItem>& items, const JudgeWeights& judge) {
  double margin = 0.0;
  for (const DisclosedItem& item : items) {
    const double weight = item.verifiable ? (item.refutable ? 1.0 - judge.refutation : 1.0)
                                          : judge.credulity;
    margin += (item.supports_truth ? 1.0 : -1.0) * item.strength * weight;
  }
  const double naive = NaiveAccuracy(judge.naive_edge);
  return 1.0 / (1.0 + std::exp(-(margin / judge.tau + std::log(naive / (1.0 - naive)))));
}

double NaiveAccuracy(double naive_edge) { return 0.5 + naive_edge; }

}  // namespace expertlab::theory
