// debate_protocols: judge accuracy with no help (naive), consultancy and
// debate, for strong, medium and weak judges, beside the full-disclosure
// (expert-judge) topline. Khan et al., "Debating with More Persuasive LLMs
// Leads to More Truthful Answers", ICML 2024, §3-4: GPT-4-Turbo judges 48% /
// 54% / 76% and human judges 60% / 78% / 88% (naive / consultancy /
// debate). An analogue: naive_edge = 0 stands for the LLM judge, 0.1 for
// the human one.
//
// Data keys: the world keys and questions (debate_cell.h): every protocol and
// judge of a replicate meets the same questions.
//
// Rows: those of debate_cell.h.
#include "experiments/debate_cell.h"

namespace expertlab::experiments {
namespace {

class DebateProtocols final : public DebateStudy {
 public:
  DebateProtocols() : DebateStudy({}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(DebateProtocols, "debate_protocols",
                              "judge accuracy: naive vs consultancy vs debate, per judge")

}  // namespace expertlab::experiments
