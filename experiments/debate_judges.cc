// debate_judges: how a bounded, biased judge fares under each protocol:
// position bias judged in one order or in both (Khan et al., "Debating with
// More Persuasive LLMs Leads to More Truthful Answers", ICML 2024, Table 7
// and Fig. 17: every transcript is judged with the answers swapped), a
// majority of independent noisy judgements (§3 and Fig. 13: three sampled
// GPT-4-Turbo judgements cut debate error by 19% and slightly hurt
// consultancy), and the judge's calibration (Figs. 6 and 19: Brier score,
// selective accuracy).
//
// Data keys: the world keys and questions (debate_cell.h): every protocol
// and judge setting of a replicate meets the same questions.
//
// Rows: those of debate_cell.h.
#include "experiments/debate_cell.h"

namespace expertlab::experiments {
namespace {

class DebateJudges final : public DebateStudy {
 public:
  DebateJudges() : DebateStudy({}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(DebateJudges, "debate_judges",
                              "judge position bias, swap averaging, majority vote and "
                              "calibration, per protocol")

}  // namespace expertlab::experiments
