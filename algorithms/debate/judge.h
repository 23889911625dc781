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
// Bounded and biased judges (ibid., App. A.7 verbosity, Table 7 and Fig. 17
// position bias, §3 and Fig. 13 majority vote of sampled judgements):
//   verbosity beta adds beta per quote to S_X (longer arguments persuade);
//   noise eta: one judgement perceives each quote's strength as
//     a_i * exp(eta z_i), z_i ~ N(0, 1) drawn afresh per judgement;
//   position_bias b adds b to the logit of the answer shown first; with
//     swap the judge reads both orders and averages the two probabilities
//     (the paper's protocol), without it the true answer is shown first
//     with probability 1/2;
//   votes k: the verdict is the majority of k independent judgements of
//     the same transcript (a tie counts half): P(pick X) is the tail of the
//     Poisson-binomial law of k judgements' probabilities.
// Preference models (best-of-N, expert.h) use the noise-free, unbiased
// scoring (Margin); the verdict uses Verdict.
//
// Presets: bayes as above; strong (0.5, 0, 0.8, 0.5), medium (1, 0.1, 0.6,
// 0.5), weak (1.5, 0.2, 0.5, 0.5) and credulous (1, 1, 0.5, 0.5) as (tau,
// credulity, refutation, scepticism).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/debate/world.h"
#include "sim/rng.h"

namespace expertlab::debate {

struct Judge {
  double tau = 1.0;
  double credulity = 0.0;
  double refutation = 1.0;
  double scepticism = 0.0;
  double naive_edge = 0.0;
  double verbosity = 0.0;
  double position_bias = 0.0;
  bool swap = true;
  double noise = 0.0;
  int64_t votes = 1;

  // S_X for `transcript` (noise-free).
  double Score(const Transcript& transcript, Side side) const;
  // P(pick `side`) after a debate (lone = false) or a consultancy whose
  // consultant argued `side` (lone = true).
  double Pick(const Transcript& transcript, Side side, bool lone) const;
  // P(pick T) with no help: 1/2 + naive_edge.
  double Naive() const { return 0.5 + naive_edge; }
  // P(the verdict picks `side`) with this judge's noise, position bias and
  // votes; equals Pick, drawing nothing, when noise = position_bias = 0 and
  // votes = 1.
  double Verdict(const Transcript& transcript, Side side, bool lone, Rng& rng) const;
  // The margin a preference model with this judge's scoring gives `side`:
  // the argument of the sigmoid before the prior.
  double Margin(const Transcript& transcript, Side side, bool lone) const;
};

// Errors naming the key unless tau > 0, credulity, refutation and scepticism
// lie in [0, 1], naive_edge in [0, 1/2), verbosity and noise are finite and
// >= 0, position_bias finite and 1 <= votes <= 101.
void CheckJudge(const Judge& judge);

const std::vector<std::string>& JudgePresets();
// The preset `name` with the given naive edge; an unknown name is an error
// naming "judge".
Judge MakeJudge(const std::string& name, double naive_edge);

double Sigmoid(double x);

// P(more than half of independent Bernoulli(p_k) votes are 1), a tie
// counting half.
double MajorityProbability(const std::vector<double>& probabilities);

}  // namespace expertlab::debate
