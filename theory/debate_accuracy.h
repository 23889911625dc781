// Closed forms for the debate testbed (algorithms/debate/).
//
// Full disclosure. A judge who sees every evidence item of a question, each
// verifiable one quoted verbatim and every refutable verifiable one refuted
// (what a debate between full-recall experts that never fabricate shows,
// given enough quote slots), scores side X as
//   S_X = sum over X's items of a_i * (verifiable ? (refutable ? 1 - kappa : 1)
//                                                 : credulity)
// and picks the true answer with probability
//   sigma((S_T - S_F) / tau + logit(1/2 + naive_edge)).
// For the Bayesian judge (tau = 1, credulity = 0, kappa = 1) this is the
// posterior of T given every checkable, unrefuted item, i.e. the accuracy of
// the paper's expert judge with the same evidence (Khan et al., "Debating
// with More Persuasive LLMs Leads to More Truthful Answers", ICML 2024, §2.1:
// the expert-judge topline).
//
// Elo: the win rate at rating difference D is 1 / (1 + 10^(-D / 400))
// (ibid., §2.3), so 50, 100 and 150 points are 57%, 64% and 70%.
#pragma once

#include <vector>

namespace expertlab::theory {

struct DisclosedItem {
  bool supports_truth = true;
  double strength = 1.0;
  bool refutable = false;
  bool verifiable = true;
};

struct JudgeWeights {
  double tau = 1.0;
  double credulity = 0.0;
  double refutation = 1.0;
  double naive_edge = 0.0;
};

double FullDisclosureAccuracy(const std::vector<DisclosedItem>& items, const JudgeWeights& judge);

// The naive judge: 1/2 + naive_edge.
double NaiveAccuracy(double naive_edge);

}  // namespace expertlab::theory
