// ranking_error: the empirical error rate of Active-ranking (full ranking)
// and Best-expert (best expert) against the confidence delta they are run
// at: it must be at most delta (Saad, Verzelen & Carpentier, ICML 2023: the
// answer is correct with probability at least 1 - delta), and is usually far
// below it since every union bound of the procedures is loose.
//
// Data keys: n, d, support, h, noise (every delta meets the same instances
// and noise samples, so error rates are paired across delta).
//
// Rows: the standard rows of ranking_cell.h, and
//   theory.error_bound   delta (the largest error rate allowed)
#include "experiments/ranking_cell.h"

namespace expertlab::experiments {
namespace {

class RankingError final : public RankingStudy {
 public:
  RankingError() : RankingStudy({.n = 5, .d = 8, .support = "sqrt", .h = 0.6, .delta = 0.2}) {}

 protected:
  void RecordTheory(const Params& params, const RankingOutcome& /*outcome*/,
                    CellContext& context) const override {
    context.Record("theory.error_bound", 0, params.Double("delta"));
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RankingError, "ranking_error",
                              "empirical error rate vs delta of Active-ranking and Best-expert")

}  // namespace expertlab::experiments
