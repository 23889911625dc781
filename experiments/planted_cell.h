// One cell of the memory studies on the SWXZ22 hard instance
// (regret_vs_memory, regret_vs_gap): the learner with memory S plays the
// planted Bernoulli instance at gap delta (swxz_mw without an explicit
// alpha gets the planted rate 1/2 - delta, SWXZ22's "M known" version).
//
// Rows at t = T, beside the standard rows of experts_cell.h:
//   paid_fraction    mean_regret / (delta T): 1 = no learning
//   normalized       mean_regret / sqrt(nT/S)
//   lower_bound      sqrt(nT/S) (SWXZ22)
//   hedge_floor      sqrt(T ln n / 2)
//   subset_predict   (1 - S/n) delta T + sqrt(T ln S / 2)
//   delta            the gap in use
//   swxz_valid       1 if delta > sqrt(16 log2^2 n / T) (SWXZ22 range)
//   swxz_search      SWXZ22 pool MW's expected search days, published
//                    constants (theory::SwxzSearchDays, a lower estimate)
//   swxz_min_T       smallest T = 2^k at which that search fits in T/2
#pragma once

#include "experiments/experts_cell.h"
#include "sim/experiment.h"

namespace expertlab::experiments {

// params: learner, n, T, memory.
PlayedGame PlayPlantedCell(const Params& params, double delta, CellContext& context);

}  // namespace expertlab::experiments
