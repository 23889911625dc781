// One protocol run over a set of questions per cell, shared by the debate
// experiments: draw Q questions (algorithms/debate/world.h), run the cell's
// protocol with self-play experts (the same expert on both answers), and
// record the judge's mean probability of picking the true answer.
//
// Grid keys (DebateKeys): protocol (spec), judge (preset), naive_edge,
// credulity (auto: the preset's), verbosity, position_bias, swap, noise,
// votes (algorithms/debate/judge.h), rounds (set in the protocol's spec when it has rounds), skill, bon,
// fabrication, leak (the expert), questions, and the world: lambda_true,
// lambda_false, sigma, refutable_false, refutable_true, verifiable.
//
// Random streams (common random numbers): the questions come from
// CellContext::DataStream, keyed by the world keys and `questions`, so every
// protocol, judge and expert of one replicate meets the same questions; the
// experts' and judge's draws come from the cell's stream.
//
// Rows (step 0):
//   accuracy         mean P(judge picks the true answer) (consultancy: mean
//                    of the two assignments)
//   truth_assigned   the same when the expert on the true answer speaks
//                    (consultancy: alone)
//   false_assigned   the same when the expert on the distractor speaks
//   theory.naive     1/2 + naive_edge (theory/debate_accuracy.h)
//   theory.expert    mean full-disclosure accuracy of the questions: what
//                    the judge gets from every item with every refutation
//                    (the expert-judge topline)
//   pgr              performance gap recovered, (accuracy - naive) /
//                    (expert - naive)
//   brier, argmax_accuracy, calibration_error, selective_accuracy_50
//                    the judge's calibration (algorithms/debate/calibration.h;
//                    10 bins, coverage 1/2) over its stated P(true answer),
//                    two per question: with the expert on T speaking and
//                    with the expert on F speaking (one value twice in
//                    debate)
#pragma once

#include <string>
#include <vector>

#include "algorithms/debate/judge.h"
#include "algorithms/debate/world.h"
#include "sim/experiment.h"
#include "sim/params.h"

namespace expertlab::experiments {

struct DebateDefaults {
  std::string protocol = "debate";
  std::string judge = "strong";
  double skill = 0.8;
  int64_t bon = 4;
};

// Keys and readers every debate study shares: the judge (judge, naive_edge)
// and the world (lambda_true, lambda_false, sigma, refutable_false,
// refutable_true, verifiable), each checked with an error naming the key.
std::vector<ParamSpec> DebateJudgeKeys(const std::string& judge);
std::vector<ParamSpec> DebateWorldKeys();
std::vector<std::string> DebateWorldDataKeys();
debate::Judge DebateJudge(const Params& params);
debate::WorldParams DebateWorld(const Params& params);

std::vector<ParamSpec> DebateKeys(const DebateDefaults& defaults);
std::vector<std::string> DebateDataKeys();
void RunDebateCell(const Params& params, CellContext& context);

class DebateStudy : public Experiment {
 public:
  explicit DebateStudy(DebateDefaults defaults) : defaults_(std::move(defaults)) {}
  std::vector<ParamSpec> Parameters() const override { return DebateKeys(defaults_); }
  std::vector<std::string> DataKeys() const override { return DebateDataKeys(); }
  void RunCell(const Params& params, CellContext& context) const override {
    RunDebateCell(params, context);
  }

 private:
  DebateDefaults defaults_;
};

}  // namespace expertlab::experiments
