#include "experiments/debate_cell.h"

#include <array>
#include <utility>

#include "algorithms/debate/disclosure.h"
#include "algorithms/debate/expert.h"
#include "algorithms/debate/judge.h"
#include "algorithms/debate/protocol.h"
#include "algorithms/debate/world.h"
#include "sim/registry.h"
#include "sim/spec.h"
#include "theory/debate_accuracy.h"

namespace expertlab::experiments {

using debate::Protocol;

namespace {

enum DebateStream : uint64_t { kProtocolStream = 1, kQuestionStream = 2 };

debate::WorldParams World(const Params& params) {
  return {params.Double("lambda_true"),     params.Double("lambda_false"),
          params.Double("sigma"),           params.Double("refutable_false"),
          params.Double("refutable_true"), params.Double("verifiable")};
}

std::string ProtocolSpec(const Params& params) {
  const std::string spec = params.String("protocol");
  return SpecHasParam<Protocol>(spec, "rounds")
             ? SpecWith(spec, "rounds", std::to_string(params.Int("rounds")))
             : spec;
}

}  // namespace

std::vector<ParamSpec> DebateKeys(const DebateDefaults& defaults) {
  const Bounds unit = Bounds::Closed(0.0, 1.0);
  return {
      SpecParam<Protocol>("protocol", defaults.protocol, "oversight protocol spec"),
      ParamSpec::Choice("judge", defaults.judge, debate::JudgePresets(), "judge preset"),
      ParamSpec::Double("naive_edge", 0.0, Bounds{0.0, 0.5, false, true},
                        "judge's accuracy above 1/2 with no help"),
      ParamSpec::Int("rounds", 3, Bounds::Closed(1, 100),
                     "rounds R (set in the protocol's spec when it has rounds)"),
      ParamSpec::Double("skill", defaults.skill, unit, "expert's recall of the evidence"),
      ParamSpec::Int("bon", defaults.bon, Bounds::Closed(1, 1024), "expert's best-of-N"),
      ParamSpec::Double("fabrication", 0.15, unit, "probability that a slot is fabricated"),
      ParamSpec::Double("leak", 0.6, unit, "consultant's leak probability under a probe"),
      ParamSpec::Int("questions", 400, Bounds::Closed(1, 1 << 20), "questions per cell"),
      ParamSpec::Double("lambda_true", 5.0, Bounds::Closed(0.0, 100.0),
                        "items for the true answer: 1 + Poisson(lambda_true)"),
      ParamSpec::Double("lambda_false", 4.0, Bounds::Closed(0.0, 100.0),
                        "misleading items: 1 + Poisson(lambda_false)"),
      ParamSpec::Double("sigma", 0.5, Bounds::Closed(0.0, 10.0), "log-strength spread"),
      ParamSpec::Double("refutable_false", 0.7, unit, "P(a misleading item is refutable)"),
      ParamSpec::Double("refutable_true", 0.1, unit, "P(a true item is refutable)"),
      ParamSpec::Double("verifiable", 1.0, unit, "P(an item can be quoted verbatim)"),
  };
}

std::vector<std::string> DebateDataKeys() {
  return {"questions",       "lambda_true",    "lambda_false", "sigma",
          "refutable_false", "refutable_true", "verifiable"};
}

void RunDebateCell(const Params& params, CellContext& context) {
  const debate::WorldParams world = World(params);
  debate::CheckWorld(world);
  const debate::Judge judge =
      debate::MakeJudge(params.String("judge"), params.Double("naive_edge"));
  const debate::Expert expert{params.Double("skill"), params.Int("bon"),
                              params.Double("fabrication"), params.Double("leak")};
  debate::CheckExpert(expert);
  const auto protocol = Registry<Protocol>::Instance().Create(ProtocolSpec(params));
  const theory::JudgeWeights weights = debate::DisclosureWeights(judge);

  Rng questions = context.DataStream(kQuestionStream);
  Rng rng = context.Stream(kProtocolStream);
  const int64_t count = params.Int("questions");
  double accuracy = 0, truth = 0, falsehood = 0, expert_accuracy = 0;
  for (int64_t q = 0; q < count; ++q) {
    const debate::Question question = debate::DrawQuestion(world, questions);
    const debate::Outcome outcome = protocol->Run(question, judge, {expert, expert}, rng);
    accuracy += outcome.accuracy;
    truth += outcome.truth_assigned;
    falsehood += outcome.false_assigned;
    expert_accuracy += theory::FullDisclosureAccuracy(debate::DisclosedItems(question), weights);
  }
  const double n = static_cast<double>(count);
  const double naive = theory::NaiveAccuracy(judge.naive_edge);
  context.Record("accuracy", 0, accuracy / n);
  context.Record("truth_assigned", 0, truth / n);
  context.Record("false_assigned", 0, falsehood / n);
  context.Record("theory.naive", 0, naive);
  context.Record("theory.expert", 0, expert_accuracy / n);
  context.Record("pgr", 0, (accuracy / n - naive) / (expert_accuracy / n - naive));
}

}  // namespace expertlab::experiments
