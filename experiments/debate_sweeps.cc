// debate_sweeps: one knob at a time away from the default world and judge,
// under debate and consultancy: the judge's credulity toward unverified
// quotes (Khan et al., "Debating with More Persuasive LLMs Leads to More
// Truthful Answers", ICML 2024, App. A.6: without quote verification liars
// lie more easily), the refutability of true evidence (the truth asymmetry
// that makes truth easier to argue, §3), and the judge's verbosity bias
// (App. A.7 and Fig. 16: LLM judges favour longer arguments).
//
// Data keys: the world keys and questions (debate_cell.h).
//
// Rows: those of debate_cell.h.
#include "experiments/debate_cell.h"

namespace expertlab::experiments {
namespace {

class DebateSweeps final : public DebateStudy {
 public:
  DebateSweeps() : DebateStudy({}) {}
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(DebateSweeps, "debate_sweeps",
                              "judge accuracy vs credulity, refutability of true evidence and "
                              "verbosity bias, debate vs consultancy")

}  // namespace expertlab::experiments
