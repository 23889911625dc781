#include "experiments/debate_cell.h"

#include <array>
#include <utility>

#include "algorithms/debate/calibration.h"
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

std::string ProtocolSpec(const Params& params) {
  const std::string spec = params.String("protocol");
  return SpecHasParam<Protocol>(spec, "rounds")
             ? SpecWith(spec, "rounds", std::to_string(params.Int("rounds")))
             : spec;
}

}  // namespace

debate::WorldParams DebateWorld(const Params& params) {
  const debate::WorldParams world{
      params.Double("lambda_true"),     params.Double("lambda_false"),
      params.Double("sigma"),           params.Double("refutable_false"),
      params.Double("refutable_true"), params.Double("verifiable")};
  debate::CheckWorld(world);
  return world;
}

debate::Judge DebateJudge(const Params& params) {
  debate::Judge judge = debate::MakeJudge(params.String("judge"), params.Double("naive_edge"));
  if (const auto credulity = params.AutoDouble("credulity")) judge.credulity = *credulity;
  judge.verbosity = params.Double("verbosity");
  judge.position_bias = params.Double("position_bias");
  judge.swap = params.Bool("swap");
  judge.noise = params.Double("noise");
  judge.votes = params.Int("votes");
  debate::CheckJudge(judge);
  return judge;
}

std::vector<ParamSpec> DebateJudgeKeys(const std::string& judge) {
  return {ParamSpec::Choice("judge", judge, debate::JudgePresets(), "judge preset"),
          ParamSpec::Double("naive_edge", 0.0, Bounds{0.0, 0.5, false, true},
                            "judge's accuracy above 1/2 with no help"),
          ParamSpec::AutoDouble("credulity", Bounds::Closed(0.0, 1.0),
                                "weight of unverified quotes (auto: the preset's)"),
          ParamSpec::Double("verbosity", 0.0, Bounds::Closed(0.0, 10.0),
                            "score added per quote (verbosity bias)"),
          ParamSpec::Double("position_bias", 0.0, Bounds::Closed(-10.0, 10.0),
                            "logit added to the answer shown first"),
          ParamSpec::Bool("swap", true, "judge both answer orders and average"),
          ParamSpec::Double("noise", 0.0, Bounds::Closed(0.0, 10.0),
                            "sd of a judgement's per-quote log-strength noise"),
          ParamSpec::Int("votes", 1, Bounds::Closed(1, 101),
                         "majority of this many independent judgements")};
}

std::vector<ParamSpec> DebateWorldKeys() {
  const Bounds unit = Bounds::Closed(0.0, 1.0);
  return {
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

std::vector<std::string> DebateWorldDataKeys() {
  return {"lambda_true", "lambda_false", "sigma", "refutable_false", "refutable_true",
          "verifiable"};
}

std::vector<ParamSpec> DebateKeys(const DebateDefaults& defaults) {
  const Bounds unit = Bounds::Closed(0.0, 1.0);
  std::vector<ParamSpec> keys = {
      SpecParam<Protocol>("protocol", defaults.protocol, "oversight protocol spec")};
  for (ParamSpec& key : DebateJudgeKeys(defaults.judge)) keys.push_back(std::move(key));
  for (ParamSpec key : {
           ParamSpec::Int("rounds", 3, Bounds::Closed(1, 100),
                          "rounds R (set in the protocol's spec when it has rounds)"),
           ParamSpec::Double("skill", defaults.skill, unit, "expert's recall of the evidence"),
           ParamSpec::Int("bon", defaults.bon, Bounds::Closed(1, 1024), "expert's best-of-N"),
           ParamSpec::Double("fabrication", 0.15, unit, "probability that a slot is fabricated"),
           ParamSpec::Double("leak", 0.6, unit, "consultant's leak probability under a probe"),
           ParamSpec::Int("questions", 400, Bounds::Closed(1, 1 << 20), "questions per cell")})
    keys.push_back(std::move(key));
  for (ParamSpec& key : DebateWorldKeys()) keys.push_back(std::move(key));
  return keys;
}

std::vector<std::string> DebateDataKeys() {
  std::vector<std::string> keys = DebateWorldDataKeys();
  keys.insert(keys.begin(), "questions");
  return keys;
}

void RunDebateCell(const Params& params, CellContext& context) {
  const debate::WorldParams world = DebateWorld(params);
  const debate::Judge judge = DebateJudge(params);
  const debate::Expert expert{params.Double("skill"), params.Int("bon"),
                              params.Double("fabrication"), params.Double("leak")};
  debate::CheckExpert(expert);
  const auto protocol = Registry<Protocol>::Instance().Create(ProtocolSpec(params));
  const theory::JudgeWeights weights = debate::DisclosureWeights(judge);

  Rng questions = context.DataStream(kQuestionStream);
  Rng rng = context.Stream(kProtocolStream);
  const int64_t count = params.Int("questions");
  double accuracy = 0, truth = 0, falsehood = 0, expert_accuracy = 0;
  std::vector<double> judgements;
  for (int64_t q = 0; q < count; ++q) {
    const debate::Question question = debate::DrawQuestion(world, questions);
    const debate::Outcome outcome = protocol->Run(question, judge, {expert, expert}, rng);
    accuracy += outcome.accuracy;
    truth += outcome.truth_assigned;
    falsehood += outcome.false_assigned;
    judgements.push_back(outcome.truth_assigned);
    judgements.push_back(outcome.false_assigned);
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
  const debate::Calibration calibration = debate::Calibrate(judgements, 10, 0.5);
  context.Record("brier", 0, calibration.brier);
  context.Record("argmax_accuracy", 0, calibration.argmax_accuracy);
  context.Record("calibration_error", 0, calibration.calibration_error);
  context.Record("selective_accuracy_50", 0, calibration.selective_accuracy);
}

}  // namespace expertlab::experiments
