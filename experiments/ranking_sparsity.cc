// ranking_sparsity: queries against the number of tasks d at fixed gap h,
// for Active-ranking and uniform round-robin sampling, when each adjacent
// pair differs on one task (support single) or on all of them (dense).
// Theory (theory/ranking_complexity.h): the active cost follows the sum of
// adjacent H = d / (s h^2), flat in d when s = d and linear when s = 1;
// uniform sampling follows n (d / (s h))^2, flat when s = d and quadratic
// when s = 1 (Saad, Verzelen & Carpentier, ICML 2023: active sampling pays
// off when the gaps are sparse).
//
// Data keys: n, d, support, h, noise (both policies meet the same instances).
//
// Rows: the standard rows of ranking_cell.h, and
//   theory.slope   predicted slope of log queries against log d: active 0
//                  (dense) or 1 (single), uniform 0 or 2; none for sqrt
//   theory.fit     1 if the run stopped within its budget
#include "experiments/ranking_cell.h"
#include "sim/spec.h"

namespace expertlab::experiments {
namespace {

class RankingSparsity final : public RankingStudy {
 public:
  RankingSparsity() : RankingStudy({.n = 3, .d = 32}) {}

 protected:
  void RecordTheory(const Params& params, const RankingOutcome& outcome,
                    CellContext& context) const override {
    const std::string& support = params.String("support");
    if (support == "sqrt") return;
    const bool uniform = SpecName(params.String("policy")) == "uniform";
    RecordSlopeRows(context, support == "dense" ? 0.0 : (uniform ? 2.0 : 1.0), outcome);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RankingSparsity, "ranking_sparsity",
                              "queries vs d at fixed sparsity and gap: Active-ranking vs "
                              "uniform sampling")

}  // namespace expertlab::experiments
