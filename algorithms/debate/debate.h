// Debate: two experts argue opposite answers for R rounds and the judge reads
// the whole transcript (Khan et al., ICML 2024, §2.1, Table 1: static
// debate, three rounds). Simultaneous rounds: both experts build their
// argument (expert.h) against the same transcript prefix. Sequential rounds:
// one expert moves and the other answers it within the round; who moves
// first is a fair coin in round 1 and alternates after.
//
// The judge picks T with probability sigma((S_T - S_F) / tau + pi)
// (judge.h). With full-recall experts that never fabricate and enough slots
// to show every item, every refutable item is refuted and the probability
// is theory::FullDisclosureAccuracy (theory/debate_accuracy.h).
//
// Parameters
//   rounds      int in [1, 100]  3      R
//   slots       int in [1, 16]   2      quotes per expert per round
//   sequential  bool             false  sequential instead of simultaneous rounds
#pragma once

#include "algorithms/debate/protocol.h"
#include "sim/params.h"

namespace expertlab::debate {

class Debate final : public Protocol {
 public:
  explicit Debate(const Params& params);
  Outcome Run(const Question& question, const Judge& judge, const std::array<Expert, 2>& experts,
              Rng& rng) const override;

 private:
  int rounds_;
  int slots_;
  bool sequential_;
};

}  // namespace expertlab::debate
