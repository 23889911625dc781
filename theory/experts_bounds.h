// Closed-form regret bounds for prediction with expert advice.
//
// Used by tests (as the expected value) and by experiments (emitted as theory
// curves that plots draw beside measured regret). Losses are in [0, 1];
// n experts, T days; regret is total, not average.
//
// Reference: N. Cesa-Bianchi and G. Lugosi, "Prediction, Learning, and
// Games", Cambridge University Press, 2006 (CBL below).
#pragma once

#include <cstdint>

namespace expertlab::theory {

// Exponentially weighted forecaster with fixed eta: for every loss sequence,
// sum_t <p_t, l_t> - min_i L_T(i) <= ln(n)/eta + eta*T/8 (CBL Thm 2.2).
double HedgeRegretBound(int64_t n, int64_t horizon, double eta);

// The eta minimising that bound, sqrt(8 ln n / T).
double HedgeOptimalEta(int64_t n, int64_t horizon);

// The bound at that eta: sqrt(T ln n / 2).
double HedgeOptimalRegret(int64_t n, int64_t horizon);

// Time-varying eta_t = sqrt(8 ln n / t): regret <= 2 sqrt(T ln n / 2) +
// sqrt(ln n / 8) (CBL Thm 2.3).
double HedgeAnytimeRegret(int64_t n, int64_t horizon);

// Multiplicative weights w <- w (1 - eps)^l with eps in (0, 1/2]: for every
// expert i, sum_t <p_t, l_t> <= (1 + eps) L_T(i) + ln(n) / eps (Arora,
// Hazan, Kale, Theory of Computing 2012, Thm 2.1). Returns the right side.
double MwCostBound(int64_t n, double eps, double expert_loss);

// Follow-the-leader on the alternating two-expert sequence (1/2, 0), (0, 1),
// (1, 0), ...: FTL pays 1/2 on day 1 and 1 on every later day while the best
// expert pays floor-or-ceil of (T-1)/2 (+1/2), so regret is exactly
// T - 1/2 - min(ceil((T-1)/2), 1/2 + floor((T-1)/2)) (CBL §4.3 example).
double FtlTrapRegret(int64_t horizon);

}  // namespace expertlab::theory
