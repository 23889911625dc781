// debate_rounds: self-play judge accuracy against the number of rounds R and
// best-of-N, under debate and consultancy (Khan et al., ICML 2024, App. A.8:
// rounds; §2.2-2.3: best-of-N). More rounds let debaters refute what the
// other side quoted; in consultancy they give the judge more probes.
//
// Data keys: the world keys and questions (debate_cell.h).
//
// Rows: those of debate_cell.h.
#include "experiments/debate_cell.h"

namespace expertlab::experiments {
namespace {

class DebateRounds final : public DebateStudy {
 public:
  DebateRounds() : DebateStudy({}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(DebateRounds, "debate_rounds",
                              "judge accuracy vs rounds and best-of-N, debate vs consultancy")

}  // namespace expertlab::experiments
