// Closed forms for the contextual bandit with expert advice of
// algorithms/trees/environment.h (Abels, Lenaerts, Trianni & Nowé, ICML
// 2023): N experts, each an expert (honest with probability p_in) in a
// uniformly random half of the regions and honest with probability p_out
// elsewhere; dishonest experts all name one wrong class, uniform among the
// K - 1 wrong ones.
#pragma once

namespace expertlab::theory {

// Expected per-round reward of the Bayes decision that knows the round's
// region and every expert's honesty there (an upper bound on every
// learner's expected reward, and the limit of the region oracle as rounds
// per region grow), for uniformly distributed labels, averaged over the
// expertise draw (each expert is an expert in a given region with
// probability 1/2, independently). Given the advice:
//   - two classes named: the one whose supporters have the larger sum of
//     log-odds log(p_i / (1 - p_i)) minus the other's (ties: either);
//   - one class X named by all: X if sum_i log-odds_i + log(K - 1) > 0,
//     else a uniform other class (ties: uniform over all K).
// Exact: a sum over (experts, honest experts, honest non-experts) counts.
double RegionBayesReward(int experts, int classes, double honest_in = 0.75,
                         double honest_out = 0.25);

// Probability that an expert is honest in a round drawn uniformly over the
// regions: (p_in + p_out) / 2 (each expert covers exactly half the regions
// for R >= 4, and with probability 1/2 the only one for R = 1).
double MarginalHonesty(double honest_in = 0.75, double honest_out = 0.25);

}  // namespace expertlab::theory
