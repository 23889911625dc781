#include "experiments/ranking_cell.h"

#include <cmath>

#include "algorithms/ranking/environment.h"
#include "algorithms/ranking/instance.h"
#include "algorithms/ranking/policy.h"
#include "sim/registry.h"
#include "sim/spec.h"
#include "theory/ranking_complexity.h"

namespace expertlab::experiments {

using ranking::Goal;
using ranking::RankingPolicy;

namespace {

enum RankingStream : uint64_t { kPolicyStream = 1, kInstanceStream = 2 };

}  // namespace

std::vector<ParamSpec> RankingKeys(const RankingDefaults& defaults) {
  return {
      SpecParam<RankingPolicy>("policy", defaults.policy, "ranking policy spec"),
      ParamSpec::Choice("goal", defaults.goal, {"ranking", "best"},
                        "full ranking or best expert"),
      ParamSpec::Int("n", defaults.n, Bounds::Closed(2, 4096), "number of experts"),
      ParamSpec::Int("d", defaults.d, Bounds::Closed(1, 1 << 20), "number of tasks"),
      ParamSpec::Choice("support", defaults.support, {"single", "sqrt", "dense"},
                        "informative tasks per adjacent pair: 1, round(sqrt d) or d"),
      ParamSpec::Double("h", defaults.h, Bounds::Positive(), "gap on an informative task"),
      ParamSpec::Double("delta", defaults.delta, Bounds::Open(0.0, 1.0), "confidence level"),
      ParamSpec::Choice("noise", "gaussian", {"gaussian", "rademacher"},
                        "1-sub-Gaussian noise law"),
      ParamSpec::Int("budget", int64_t{1} << 36, Bounds::Closed(1, int64_t{1} << 50),
                     "query budget of a run"),
  };
}

std::vector<std::string> RankingDataKeys() { return {"n", "d", "support", "h", "noise"}; }

int SupportSize(const std::string& support, int d) {
  if (support == "single") return 1;
  if (support == "dense") return d;
  return std::max(1, static_cast<int>(std::lround(std::sqrt(static_cast<double>(d)))));
}

void CheckRankingCell(const Params& params) {
  const auto policy = Registry<RankingPolicy>::Instance().Create(params.String("policy"));
  ranking::CheckSolvable(*policy, params.String("policy"), ranking::ParseGoal(params.String("goal")),
                         params.Double("delta"));
}

void RecordSlopeRows(CellContext& context, double slope, const RankingOutcome& outcome) {
  context.Record("theory.slope", 0, slope);
  context.Record("theory.fit", 0, outcome.stopped ? 1.0 : 0.0);
}

RankingOutcome RunRankingCell(const Params& params, CellContext& context) {
  const int n = static_cast<int>(params.Int("n")), d = static_cast<int>(params.Int("d"));
  const int s = SupportSize(params.String("support"), d);
  const Goal goal = ranking::ParseGoal(params.String("goal"));
  Rng data = context.DataStream(kInstanceStream);
  Eigen::MatrixXd means = ranking::StackedGaps(n, d, s, params.Double("h"), data);
  const ranking::Environment environment(std::move(means),
                                         ranking::ParseNoise(params.String("noise")),
                                         data.NextU64());
  ranking::Querier querier(environment, params.Int("budget"));
  const auto policy = Registry<RankingPolicy>::Instance().Create(params.String("policy"));
  Rng rng = context.Stream(kPolicyStream);

  RankingOutcome outcome;
  std::vector<int> answer;
  try {
    answer = policy->Solve(goal, querier, params.Double("delta"), rng);
    outcome.stopped = true;
  } catch (const ranking::QueryBudgetExhausted&) {
    outcome.stopped = false;
  }
  const std::vector<int>& order = environment.order();
  outcome.correct = outcome.stopped && (goal == Goal::kBest ? answer.front() == order.front()
                                                            : answer == order);
  outcome.queries = static_cast<double>(querier.queries());
  outcome.complexity = goal == Goal::kBest
                           ? theory::BestExpertComplexity(environment.means(), order)
                           : theory::RankingComplexity(environment.means(), order);
  outcome.uniform = theory::UniformCost(environment.means(), order, goal == Goal::kBest);
  context.Record("queries", 0, outcome.queries);
  context.Record("stopped", 0, outcome.stopped ? 1.0 : 0.0);
  context.Record("correct", 0, outcome.correct ? 1.0 : 0.0);
  context.Record("error", 0, outcome.stopped && !outcome.correct ? 1.0 : 0.0);
  context.Record("s", 0, s);
  context.Record("theory.complexity", 0, outcome.complexity);
  context.Record("theory.uniform", 0, outcome.uniform);
  context.Record("queries_over_complexity", 0, outcome.queries / outcome.complexity);
  return outcome;
}

}  // namespace expertlab::experiments
