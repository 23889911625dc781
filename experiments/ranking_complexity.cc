// ranking_complexity: queries until Active-ranking (full ranking) and
// Best-expert (best expert) stop, against the instance's theoretical
// complexity (sum of adjacent H_ij, resp. sum over i != i* of H_{i*, i};
// theory/ranking_complexity.h), across d, the support s of the gaps, h and
// n (Saad, Verzelen & Carpentier, ICML 2023: the query bounds are instance
// dependent and optimal up to poly-log factors).
//
// Data keys: n, d, support, h, noise (both policies meet the same instances).
//
// Rows: the standard rows of ranking_cell.h, and
//   theory.slope   1: log queries against log complexity (the bound is
//                  linear in the complexity up to log factors)
//   theory.fit     1 if the run stopped within its budget (it enters the fit)
#include "experiments/ranking_cell.h"

namespace expertlab::experiments {
namespace {

class RankingComplexity final : public RankingStudy {
 public:
  RankingComplexity() : RankingStudy({}) {}

 protected:
  void RecordTheory(const Params& /*params*/, const RankingOutcome& outcome,
                    CellContext& context) const override {
    RecordSlopeRows(context, 1.0, outcome);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RankingComplexity, "ranking_complexity",
                              "queries to stop vs the instance's complexity (sum of H_ij) for "
                              "Active-ranking and Best-expert")

}  // namespace expertlab::experiments
