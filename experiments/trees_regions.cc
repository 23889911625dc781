// trees_regions: average reward over T = 1000 rounds against the number of
// expertise regions R (1, 4, 16, 64), one panel per visible width g (2, 4,
// 16, 64), for every learner: Abels, Lenaerts, Trianni & Nowé, "Expertise
// Trees Resolve Knowledge Limitations in Collective Decision-Making" (ICML
// 2023), the performance figure. Context-blind learners (Meta-CMAB, EXP4)
// fall to about 1/2 once R >= 4; the region oracle stays near the region
// Bayes reward (theory.bayes_reward) when rounds per region suffice.
//
// Data keys: dataset, N, R, width, T (every learner and g of a replicate
// meets the same rounds). Rows: experiments/trees_cell.h.
#include "experiments/trees_cell.h"

namespace expertlab::experiments {
namespace {

class TreesRegions final : public TreesStudy {
 public:
  TreesRegions() : TreesStudy({}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(TreesRegions, "trees_regions",
                              "average reward vs expertise regions R per visible width g, every "
                              "advice learner")

}  // namespace expertlab::experiments
