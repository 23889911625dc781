// Closed forms of the memory-regret tradeoff for the experts problem:
// total regret R of a learner with S words of memory, n experts, T days.
// Constants are 1 unless stated: the papers give these up to constants and
// polylog factors, so experiments compare slopes and report R / curve.
//
// Sources (each bound below says what it was checked against: the paper's
// abstract, the authors' slides, or a secondary summary):
//   SWXZ22  V. Srinivas, D. P. Woodruff, Z. Xu, S. Zhou, "Memory bounds for
//           the experts problem", STOC 2022 (arXiv 2204.09837).
//   PR23    B. Peng, A. Rubinstein, "Near optimal memory-regret tradeoff for
//           online learning", FOCS 2023 (arXiv 2303.01673).
//   WZZ23   D. P. Woodruff, F. Zhang, S. Zhou, "On robust streaming for
//           learning with experts: algorithms and lower bounds", NeurIPS
//           2023 (arXiv 2303.01709).
//   PZ23    B. Peng, F. Zhang, "Online prediction in sub-linear space",
//           SODA 2023 (arXiv 2207.07974).
#pragma once

#include <cstdint>

namespace expertlab::theory {

// SWXZ22 lower bound: average regret delta needs S = Omega(n/(delta^2 T)),
// i.e. R = Omega(sqrt(nT/S)) [verified: abstract, authors' slides].
double SwxzLowerBound(double n, double horizon, double memory);

// PR23 oblivious upper bound in the general-S form O~(sqrt(nT/S)) [the
// general-S form is from a secondary summary, not the paper]; logs dropped.
double Pr23ObliviousRegret(double n, double horizon, double memory);

// PR23 adaptive-adversary upper bound O~(max{sqrt(nT/S), sqrt(n) T/S})
// [secondary summary; only the sqrt(n) threshold is verified].
double Pr23AdaptiveRegret(double n, double horizon, double memory);

// The hardest gap for a learner with S words on the planted instance:
// delta* = c sqrt(n / (S T)), where regret ~ delta* T ~ c sqrt(nT/S).
double DeltaStar(double c, double n, double horizon, double memory);

// Random-subset Hedge on the planted instance (gap delta): it misses i*
// with probability 1 - S/n and then pays delta per day; with i* it pays
// Hedge's sqrt(T ln S / 2): (1 - S/n) delta T + sqrt(T ln S / 2).
double RandomSubsetRegret(double n, double memory, double delta, double horizon);

// Search lengths of the probation pools (baseline_pool.h, multiscale_pool.h,
// pool_booster.h) on a planted instance with gap delta ([R]: our analysis
// of our designs). A candidate on probation for B days is admitted when it
// beats the algorithm's own loss by theta = margin sqrt(B ln(S T)); i*
// beats a fair-average algorithm by delta B in expectation, which is 2
// theta from the detection epoch
//   B*(delta) = (2 margin)^2 ln(S T + 1) / delta^2.
double PoolDetectionEpoch(double margin, double delta, double memory, double horizon);
// The epoch at which i* beats the algorithm's epoch loss (a mean over m
// fair candidates) by theta with probability about 1/2: delta B (1 - 1/m)
// = theta, i.e. margin^2 ln(S T + 1) / (delta (1 - 1/m))^2.
double PoolAdmissionEpoch(double margin, double delta, double candidates, double memory,
                          double horizon);
// Days until a single-scale pool at epoch B >= B* admits i*: candidates are
// drawn m per epoch among ~n experts, so i* arrives after n / (2m) epochs
// on average, then serves one epoch of probation: (n / (2m) + 1) B.
double ProbationSearchDays(double n, double candidates, double epoch);
// Several pools searching in parallel (the booster's copies at epochs B_j
// with m_j candidates each, those able to admit i*): together they examine
// sum_j m_j / B_j experts a day, so i* is reached after n / (2 sum_j m_j /
// B_j) days on average, then serves the shortest of those epochs.
double ParallelProbationSearchDays(double n, const double* candidates, const double* epochs,
                                   int pools);
// The multiscale pool: sweeps of w = ceil((n - k) / m) windows at B_0,
// 2 B_0, ... up to the first window >= B*, then on average half a sweep
// and one window at that scale.
double MultiscaleSearchDays(double n, double active, double candidates, double base_epoch,
                            double detection_epoch);

// SWXZ22 arbitrary-order low-mistake regime: R = O~(n / S), flat in T.
double LowMistakeRegret(double n, double memory);

// WZZ23 deterministic pool cycling: R ~ n M / S (each of the n/S blocks is
// abandoned only after all S members erred; the best expert errs M times).
double PoolCyclingRegret(double n, double mistakes, double memory);

// SWXZ22 validity: random order needs delta > sqrt(16 log2^2 n / T).
bool SwxzRandomOrderValid(double n, double horizon, double delta);
// SWXZ22 pool MW ("cost" rule, swxz_mw.h) with a pool of fair experts
// (mean loss 1/2) at known alpha = 1/2 - delta: the days tau after which
// the pool's expected cost tau/2 crosses the resample threshold
//   (1 + delta/2)(alpha tau + slack (4 sqrt(tau ln T) + 4 ln T / alpha))
//     + 2 ln n / delta,
// the larger root of a quadratic in sqrt(tau) ([R]: our reading of the
// authors' slides; slack = 1 is the published constant).
double SwxzResampleDays(double n, double horizon, double delta, double slack);
// Expected days before a pool of S holds i* when each resample draws S of
// n uniformly: (n / S) resamples of SwxzResampleDays each.
double SwxzSearchDays(double n, double memory, double horizon, double delta, double slack);
// The smallest T = 2^k at which SWXZ22 pool MW at gap delta is inside its
// random-order range and its expected search takes at most T / 2 days (so
// it pays at most half of the no-learning delta T); 0 when no T <= 2^40
// does.
double SwxzSmallestHorizon(double n, double memory, double delta, double slack);
// Low mistake needs delta > sqrt(128 log2^2 n / T) and
// M < delta^2 T / (1280 log2^2 n).
bool SwxzLowMistakeValid(double n, double horizon, double delta, double mistakes);

// kill_on_play with a learner that keeps g live reserve experts and plays
// them in rotation: every expert is dead for W days after a play, so it
// loses on a fraction max(0, 1 - g / (W + 1)) of the days ([R], our probe).
double KillOnPlayLossRate(double good_held, double window);

}  // namespace expertlab::theory
