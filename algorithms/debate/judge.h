// Judges of the debate family: they never see the evidence pool, only the
// transcript, and check each quote only for being verbatim in the story
// (Khan et al., ICML 2024, §2.2 and App. D.2: verified vs unverified quotes).
//
// A side's score is
//   S_X = sum over X's quotes of a_i * (verified ? 1 : credulity)
//                                   * (refuted ? 1 - refutation : 1),
// and with the judge's prior log-odds pi = logit(1/2 + naive_edge) toward the
// true answer (what it knows without help), it picks X with probability
//   debate:       sigma((S_X - S_notX) / tau + pi_X),
//   consultancy:  sigma(((1 - scepticism) S_X - S_notX) / tau + pi_X) for
//                 the consultant's side X (scepticism toward a lone advocate),
//   no help:      sigma(pi_T) = 1/2 + naive_edge,
// where pi_X = +pi for X = T and -pi for X = F. The Bayesian judge (tau = 1,
// credulity = 0, refutation = 1, scepticism = 0) reads strengths as
// log-likelihood ratios of independent evidence, trusts only verified quotes
// and drops refuted ones: its probability is the posterior of T given them.
//
// Presets: bayes as above; strong (0.5, 0, 0.8, 0.5), medium (1, 0.1, 0.6,
// 0.5), weak (1.5, 0.2, 0.5, 0.5) and credulous (1, 1, 0.5, 0.5) as (tau,
// credulity, refutation, scepticism).
#pragma once

#include <string>
#include <vector>

#include "algorithms/debate/world.h"

namespace expertlab::debate {

struct Judge {
  double tau = 1.0;
  double credulity = 0.0;
  double refutation = 1.0;
  double scepticism = 0.0;
  double naive_edge = 0.0;

  // S_X for `transcript`.
  double Score(const Transcript& transcript, Side side) const;
  // P(pick `side`) after a debate (lone = false) or a consultancy whose
  // consultant argued `side` (lone = true).
  double Pick(const Transcript& transcript, Side side, bool lone) const;
  // P(pick T) with no help: 1/2 + naive_edge.
  double Naive() const { return 0.5 + naive_edge; }
  // The margin a preference model with this judge's scoring gives `side`:
  // the argument of the sigmoid before the prior.
  double Margin(const Transcript& transcript, Side side, bool lone) const;
};

// Errors naming the key unless tau > 0, credulity, refutation and scepticism
// lie in [0, 1] and naive_edge in [0, 1/2).
void CheckJudge(const Judge& judge);

const std::vector<std::string>& JudgePresets();
// The preset `name` with the given naive edge; an unknown name is an error
// naming "judge".
Judge MakeJudge(const std::string& name, double naive_edge);

double Sigmoid(double x);

}  // namespace expertlab::debate
