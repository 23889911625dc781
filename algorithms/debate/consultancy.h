// Consultancy: one expert argues an assigned answer for R rounds, correct in
// half the runs; the judge may probe each round (Khan et al., ICML 2024,
// §2.1, Table 1; accuracy = mean of the correct- and incorrect-assigned
// runs, §2.3). Each round the judge probes with probability `probe`; under
// a probe a candidate argument may leak an opposing item (expert.h), which
// the consultant can refute in later rounds like an opponent's quote.
// The judge picks the consultant's side X with probability
// sigma(((1 - scepticism) S_X - S_notX) / tau + pi_X) (judge.h).
//
// Parameters
//   rounds  int in [1, 100]   3    R
//   slots   int in [1, 16]    2    quotes per round
//   probe   double in [0, 1]  0.7  probability that the judge probes in a round
#pragma once

#include "algorithms/debate/protocol.h"
#include "sim/params.h"

namespace expertlab::debate {

class Consultancy final : public Protocol {
 public:
  explicit Consultancy(const Params& params);
  Outcome Run(const Question& question, const Judge& judge, const std::array<Expert, 2>& experts,
              Rng& rng) const override;

 private:
  // P(judge picks T) after the consultant on `side` argues alone.
  double Consult(const Question& question, const Judge& judge, const Expert& expert, Side side,
                 Rng& rng) const;

  int rounds_;
  int slots_;
  double probe_;
};

}  // namespace expertlab::debate
