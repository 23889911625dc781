// Naive judge: the question and the two answers, no expert (Khan et al.,
// ICML 2024, §2.1, Table 1). The judge reads an empty transcript: a plain
// judge picks T with probability 1/2 + naive_edge (what it knows without
// the story); position bias and votes act as in any protocol (judge.h).
//
// No parameters.
#pragma once

#include "algorithms/debate/protocol.h"
#include "sim/params.h"

namespace expertlab::debate {

class Naive final : public Protocol {
 public:
  explicit Naive(const Params& /*params*/) {}
  Outcome Run(const Question& question, const Judge& judge, const std::array<Expert, 2>& experts,
              Rng& rng) const override;
};

}  // namespace expertlab::debate
