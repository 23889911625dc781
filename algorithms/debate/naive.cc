#include "algorithms/debate/naive.h"

#include "sim/registry.h"

namespace expertlab::debate {

Outcome Naive::Run(const Question& question, const Judge& judge,
                   const std::array<Expert, 2>& /*experts*/, Rng& rng) const {
  const double accuracy = judge.Verdict(Transcript(question), kTruth, false, rng);
  return {accuracy, accuracy, accuracy};
}

EXPERTLAB_REGISTER(Protocol, Naive, "naive", "the judge answers alone, with no expert", {})

}  // namespace expertlab::debate
