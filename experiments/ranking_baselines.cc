// ranking_baselines: queries of every ranking policy on the same instances,
// dense (every task informative), sparse (sqrt d tasks) and a single
// informative task per adjacent pair: Active-ranking against uniform
// round-robin and Heckel et al.'s Borda AR (full ranking), Best-expert
// against uniform, successive elimination and LUCB on row means (best
// expert). Active sampling pays off when gaps are sparse (Saad, Verzelen &
// Carpentier, ICML 2023): row means and Borda scores dilute a gap on s of d
// tasks by s/d, so their cost grows like (d/s)^2 against the active d/s.
//
// Data keys: n, d, support, h, noise (every policy of a replicate meets the
// same instance and the same samples of every (expert, task) pair).
//
// Rows: the standard rows of ranking_cell.h (theory.complexity and
// theory.uniform give each cell's scale).
#include "experiments/ranking_cell.h"

namespace expertlab::experiments {
namespace {

class RankingBaselines final : public RankingStudy {
 public:
  RankingBaselines() : RankingStudy({.n = 5, .d = 32}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RankingBaselines, "ranking_baselines",
                              "queries of Active-ranking / Best-expert vs uniform, Borda AR, "
                              "successive elimination and LUCB on dense, sparse and "
                              "single-task instances")

}  // namespace expertlab::experiments
