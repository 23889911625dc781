// debate_skill: self-play judge accuracy against the experts' skill (recall)
// and best-of-N persuasiveness optimisation, under debate and consultancy.
// Khan et al., ICML 2024, §3 (Figs. 3-4): in debate, more persuasive
// debaters raise judge accuracy; in consultancy, optimisation helps the
// dishonest consultant more and accuracy falls.
//
// Data keys: the world keys and questions (debate_cell.h): every skill, N and
// protocol of a replicate meets the same questions.
//
// Rows: those of debate_cell.h.
#include "experiments/debate_cell.h"

namespace expertlab::experiments {
namespace {

class DebateSkill final : public DebateStudy {
 public:
  DebateSkill() : DebateStudy({}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(DebateSkill, "debate_skill",
                              "judge accuracy vs expert skill and best-of-N, debate vs consultancy")

}  // namespace expertlab::experiments
