// Row means under random-task sampling, shared by the best-arm baselines
// (successive_elimination, lucb): pulling expert i queries it on a task
// drawn uniformly, so a pull has mean mu_i = (1/d) sum_k M_ik, the Borda-type
// average over tasks (Saad, Verzelen & Carpentier, ICML 2023, Section 1).
//
// A pull is the task's mean plus 1-sub-Gaussian noise; when every row's
// means spread over at most `range` across tasks, the task draw is
// (range^2/4)-sub-Gaussian (Hoeffding's lemma), so a pull is
// sigma^2 = 1 + range^2/4 sub-Gaussian around mu_i. After u pulls of each of
// n experts, RowMeanRadius(u) = sqrt(2 sigma^2 ln(4 n u^2 / delta) / u)
// holds for all experts and all u with probability >= 1 - delta pi^2 / 12.
#pragma once

#include <cstdint>

#include "algorithms/ranking/environment.h"
#include "algorithms/ranking/policy.h"
#include "sim/params.h"
#include "sim/rng.h"

namespace expertlab::ranking {

double RowMeanRadius(int64_t pulls, int experts, double delta, double range);

// The `range` parameter (> 0, default 1), and the base of the best-expert
// policies on row means (successive_elimination, lucb): goal best only.
ParamSpec RangeParam();
class RowMeanPolicy : public RankingPolicy {
 public:
  bool Solves(Goal goal) const override { return goal == Goal::kBest; }

 protected:
  explicit RowMeanPolicy(const Params& params) : range_(params.Double("range")) {}
  // RowMeanRadius with this policy's range.
  double Radius(int64_t pulls, int experts, double delta) const {
    return RowMeanRadius(pulls, experts, delta, range_);
  }

 private:
  double range_;
};

// One query of `expert` on a uniformly drawn task.
double PullRandomTask(Querier& querier, int expert, Rng& rng);


}  // namespace expertlab::ranking
