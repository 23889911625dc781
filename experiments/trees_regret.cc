// trees_regret: cumulative regret against the region oracle over time at
// R = 16, g = 16 (Abels, Lenaerts, Trianni & Nowé, "Expertise Trees Resolve
// Knowledge Limitations in Collective Decision-Making", ICML 2023: regret =
// oracle reward - learner reward). Every learner of a replicate meets the
// same rounds (data keys dataset, N, R, width, T), so the figure takes the
// paired difference of cumulative rewards per replicate: linear for the
// context-blind learners (they cannot tell the regions apart), flattening
// for a tree once its leaves refine the regions.
//
// Rows: experiments/trees_cell.h, `reward` at 8 checkpoints per doubling of t.
#include "experiments/trees_cell.h"

namespace expertlab::experiments {
namespace {

class TreesRegret final : public TreesStudy {
 public:
  TreesRegret() : TreesStudy({.regions = 16, .dims = 16, .per_octave = 8}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(TreesRegret, "trees_regret",
                              "cumulative regret vs the region oracle over time (R = 16, g = 16)")

}  // namespace expertlab::experiments
