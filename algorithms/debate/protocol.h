// The debate family: an oversight protocol runs experts on a question and
// returns the judge's probability of picking the true answer (Khan et al.,
// "Debating with More Persuasive LLMs Leads to More Truthful Answers", ICML
// 2024, §2.1 and Table 1: naive judge, consultancy, debate).
//
// experts[kTruth] argues the true answer and experts[kFalse] the
// distractor (in debate both speak; in consultancy each is the consultant
// of one of the two runs, correct half the time, §2.1).
//
// Invariants every protocol keeps (tests/algorithms/debate/conformance.h):
//   - accuracy, truth_assigned and false_assigned lie in [0, 1] and accuracy
//     is the mean of the other two;
//   - the outcome depends only on (question, judge, experts, rng);
//   - with zero-skill experts that never fabricate, it equals the naive
//     judge's 1/2 + naive_edge.
#pragma once

#include <array>

#include "algorithms/debate/expert.h"
#include "algorithms/debate/judge.h"
#include "algorithms/debate/world.h"
#include "sim/rng.h"

namespace expertlab::debate {

struct Outcome {
  double accuracy = 0.5;        // P(judge picks T)
  double truth_assigned = 0.5;  // P(picks T) when the expert on T speaks (alone in consultancy)
  double false_assigned = 0.5;  // P(picks T) when the expert on F speaks
};

class Protocol {
 public:
  static constexpr const char* kFamily = "debate protocol";
  virtual ~Protocol() = default;
  virtual Outcome Run(const Question& question, const Judge& judge,
                      const std::array<Expert, 2>& experts, Rng& rng) const = 0;
};

}  // namespace expertlab::debate
