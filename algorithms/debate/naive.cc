#include "algorithms/debate/naive.h"

#include "sim/registry.h"

namespace expertlab::debate {

Outcome Naive::Run(const Question& /*question*/, const Judge& judge,
                   const std::array<Expert, 2>& /*experts*/, Rng& /*rng*/) const {
  return {judge.Naive(), judge.Naive(), judge.Naive()};
}

EXPERTLAB_REGISTER(Protocol, Naive, "naive", "the judge answers alone, with no expert", {})

}  // namespace expertlab::debate
