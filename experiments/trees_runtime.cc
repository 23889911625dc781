// trees_runtime: thread CPU time of each learner's T = 1000 rounds relative
// to Meta-CMAB's on the same rounds, against R at g = 2 and against g at
// R = 1: Abels, Lenaerts, Trianni & Nowé, "Expertise Trees Resolve
// Knowledge Limitations in Collective Decision-Making" (ICML 2023), the
// timing figure. The Expertise Tree costs about g replayed candidate splits
// per node on the path, so it grows with g; Meta-CMAB and EXP4 are flat.
//
// Measured: the `seconds` rows are timings, not a function of (seed,
// config, replicate); the figure divides each run by Meta-CMAB's run of the
// same replicate and cell keys. Rows: experiments/trees_cell.h.
#include "experiments/trees_cell.h"

namespace expertlab::experiments {
namespace {

class TreesRuntime final : public TreesStudy {
 public:
  TreesRuntime() : TreesStudy({.timed = true}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(TreesRuntime, "trees_runtime",
                              "run time of every advice learner relative to Meta-CMAB vs R "
                              "(g = 2) and vs g (R = 1)")

}  // namespace expertlab::experiments
