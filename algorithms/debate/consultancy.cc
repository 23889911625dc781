#include "algorithms/debate/consultancy.h"

#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::debate {

Consultancy::Consultancy(const Params& params)
    : rounds_(static_cast<int>(params.Int("rounds"))),
      slots_(static_cast<int>(params.Int("slots"))),
      probe_(params.Double("probe")) {}

double Consultancy::Consult(const Question& question, const Judge& judge, const Expert& expert,
                            Side side, Rng& rng) const {
  Transcript transcript(question);
  for (int round = 0; round < rounds_; ++round) {
    const Turn turn{slots_, Bernoulli(rng, probe_), true};
    Apply(question, side, BestArgument(question, transcript, side, expert, turn, judge, rng),
          transcript);
  }
  const double pick = judge.Verdict(transcript, side, true, rng);
  return side == kTruth ? pick : 1.0 - pick;
}

Outcome Consultancy::Run(const Question& question, const Judge& judge,
                         const std::array<Expert, 2>& experts, Rng& rng) const {
  const double truth = Consult(question, judge, experts[kTruth], kTruth, rng);
  const double falsehood = Consult(question, judge, experts[kFalse], kFalse, rng);
  return {0.5 * (truth + falsehood), truth, falsehood};
}

EXPERTLAB_REGISTER(Protocol, Consultancy, "consultancy",
                   "one expert argues an assigned answer (correct half the time); the judge probes",
                   {ParamSpec::Int("rounds", 3, Bounds::Closed(1, 100), "rounds R"),
                    ParamSpec::Int("slots", 2, Bounds::Closed(1, 16), "quotes per round"),
                    ParamSpec::Double("probe", 0.7, Bounds::Closed(0.0, 1.0),
                                      "probability that the judge probes in a round")});

}  // namespace expertlab::debate
