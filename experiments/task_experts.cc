// task_experts: experts that know the task (algorithms/moe/task_experts.h)
// on multi-task skill composition (moe/train/routing_tasks.h, structure
// "skills"): `tasks` regression tasks, each the sum of `skills_per_task`
// of `skills` linear skill maps; the last `holdout_tasks` compositions are
// never trained on and are tested zero-shot. With separation = 0 every
// task sees the same inputs (M3ViT's setting: tasks differ only in what
// they ask of the same x), so a router that sees x alone cannot tell them
// apart. The model has E = skills experts per block and routes k =
// skills_per_task of them (one for task_level), trained by AdamW on the
// training tasks. `routing`:
//   dense, token, task_conditioned, multi_gate, task_level   as in the
//                  algorithm; task_level's temperature decays
//                  exponentially from 2 to 0.1 over the first 2/3 of the
//                  steps, then stays (Ye et al.: 2 -> 0.1)
//   skills         SkillNet with the true skill map (task t -> its skills)
//   skills_wrong   SkillNet with a wrong map: each task a random set of as
//                  many experts, not its own (cell stream 1)
// Data (task, batches, test samples) from the cell's data stream; the
// model's initial weights from stream 0, Gumbel draws from stream 2.
// Rows at `steps`:
//   mse.train        mean over the training tasks of each task's test MSE
//   mse.worst_task   the largest of them (interference shows here)
//   mse.heldout      mean test MSE of the held-out compositions (zero-shot)
//   active_params    parameters a token uses (routers included)
//   route_nmi        NMI of each test token's top-1 expert in block 0 with
//                    its task (routes clustering by task)
//   route_skill_lift each training task's most frequent top-1 expert in
//                    block 0: the share of task pairs with the same one
//                    among pairs sharing a skill minus among pairs sharing
//                    none (routes following the latent skills; 0 when blind)
// and bayes_mse (noise^2) at step 0.
#include "algorithms/moe/task_experts.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "algorithms/moe/train/routing_metrics.h"
#include "algorithms/moe/train/routing_tasks.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::experiments {
namespace {

using moe::TaskMoe;

constexpr uint64_t kSkillTaskStream = 0;
constexpr uint64_t kSkillBatchStream = 1;
constexpr uint64_t kSkillTestStream = 2;
constexpr int64_t kTestPerSplit = 4000;

moe::RoutingTaskSpec SkillTaskSpec(const Params& p) {
  moe::RoutingTaskSpec spec;
  spec.structure = moe::TaskStructure::kSkills;
  spec.clusters = p.Int("tasks");
  spec.skills = p.Int("skills");
  spec.skills_per_task = p.Int("skills_per_task");
  spec.holdout_tasks = p.Int("holdout_tasks");
  spec.dim = p.Int("dim");
  spec.separation = p.Double("separation");
  spec.noise = p.Double("noise");
  return spec;
}

struct SkillBatch {
  Eigen::MatrixXd x, y;
  std::vector<int32_t> task;
};

SkillBatch DrawSkillBatch(const moe::RoutingTask& task, int64_t n, Rng& rng,
                          moe::RoutingSplit split) {
  const moe::RoutingSample s = task.Sample(n, rng, split);
  const int64_t dim = task.spec().dim, out = task.spec().out_dim;
  SkillBatch b{Eigen::MatrixXd(n, dim), Eigen::MatrixXd(n, out), s.cluster};
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < dim; ++j) b.x(i, j) = s.x[i * dim + j];
    for (int64_t j = 0; j < out; ++j) b.y(i, j) = s.y[i * out + j];
  }
  return b;
}

// Each task's skills (true) or, wrong, a random set of as many experts
// that is not its own.
std::vector<std::vector<int64_t>> SkillMap(const moe::RoutingTask& task, bool wrong, Rng& rng) {
  const int64_t K = task.spec().clusters, S = task.spec().skills;
  std::vector<std::vector<int64_t>> map(K);
  for (int64_t t = 0; t < K; ++t) {
    map[t] = task.SkillsOf(t);
    while (wrong && map[t] == task.SkillsOf(t)) {
      map[t].clear();
      for (uint64_t e :
           SampleWithoutReplacement(rng, uint64_t(S), uint64_t(task.SkillsOf(t).size())))
        map[t].push_back(int64_t(e));
      std::sort(map[t].begin(), map[t].end());
    }
  }
  return map;
}

// Test MSE of `model` on `b` per task present in b: the mean over those
// tasks and the largest.
struct TaskMseSummary {
  double mean = 0, worst = 0;
};
TaskMseSummary SummarizeTaskMse(TaskMoe& model, const SkillBatch& b) {
  const Eigen::MatrixXd& y_hat = model.Forward(b.x, b.task);
  const int64_t K = model.config().tasks;
  std::vector<double> sum(K, 0.0), count(K, 0.0);
  for (int64_t i = 0; i < b.x.rows(); ++i) {
    sum[b.task[i]] += (y_hat.row(i) - b.y.row(i)).squaredNorm() / double(b.y.cols());
    count[b.task[i]] += 1;
  }
  TaskMseSummary out;
  double present = 0;
  for (int64_t t = 0; t < K; ++t) {
    if (count[t] == 0) continue;
    out.mean += sum[t] / count[t];
    out.worst = std::max(out.worst, sum[t] / count[t]);
    present += 1;
  }
  out.mean /= present;
  return out;
}

// Whether routes follow skills: each task's most frequent top-1 expert of
// `top1` (ties: the lower id); over pairs of tasks present, the share with
// the same expert among pairs that share a skill minus among pairs that
// share none (0 for routes blind to skills). False when a class is empty.
bool RouteSkillLift(const moe::RoutingTask& task, const std::vector<int32_t>& top1,
                    const std::vector<int32_t>& task_of, int64_t experts, double* lift) {
  const int64_t K = task.spec().clusters;
  std::vector<std::vector<int64_t>> votes(K, std::vector<int64_t>(experts, 0));
  for (size_t i = 0; i < top1.size(); ++i) ++votes[task_of[i]][top1[i]];
  std::vector<int64_t> modal(K, -1);
  for (int64_t t = 0; t < K; ++t)
    if (std::accumulate(votes[t].begin(), votes[t].end(), int64_t(0)) > 0)
      modal[t] = std::max_element(votes[t].begin(), votes[t].end()) - votes[t].begin();
  double same[2] = {0, 0}, pairs[2] = {0, 0};
  for (int64_t a = 0; a < K; ++a)
    for (int64_t b = a + 1; b < K; ++b) {
      if (modal[a] < 0 || modal[b] < 0) continue;
      const auto& sa = task.SkillsOf(a);
      const auto& sb = task.SkillsOf(b);
      const bool share = std::find_first_of(sa.begin(), sa.end(), sb.begin(), sb.end()) != sa.end();
      pairs[share] += 1;
      same[share] += modal[a] == modal[b];
    }
  if (pairs[0] == 0 || pairs[1] == 0) return false;
  *lift = same[1] / pairs[1] - same[0] / pairs[0];
  return true;
}

class TaskExperts final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    std::vector<std::string> routings = moe::TaskRoutingNames();
    routings.push_back("skills_wrong");
    return {
        ParamSpec::Choice("routing", "skills", routings,
                          "how experts are chosen (skills_wrong: SkillNet with a wrong map)"),
        ParamSpec::Int("tasks", 10, Bounds::Closed(2, 1024), "tasks, held-out ones included"),
        ParamSpec::Int("holdout_tasks", 2, Bounds::Closed(0, 1023),
                       "compositions never trained on, tested zero-shot"),
        ParamSpec::Int("skills", 6, Bounds::Closed(1, 64), "skill maps, and experts per block"),
        ParamSpec::Int("skills_per_task", 2, Bounds::Closed(1, 64),
                       "skills each task sums, and experts each token routes to"),
        ParamSpec::Int("dim", 16, Bounds::Closed(1, 4096), "input dimension"),
        ParamSpec::Double("separation", 0.0, Bounds::AtLeast(0),
                          "spread of the tasks' input means (0: every task the same inputs)"),
        ParamSpec::Double("noise", 0.1, Bounds::AtLeast(0), "target noise sd (Bayes MSE noise^2)"),
        ParamSpec::Int("width", 32, Bounds::Closed(1, 4096), "residual width"),
        ParamSpec::Int("hidden", 16, Bounds::Closed(1, 4096), "each expert's ReLU width"),
        ParamSpec::Int("blocks", 2, Bounds::Closed(1, 16), "MoE blocks"),
        ParamSpec::Double("balance", 0.01, Bounds::AtLeast(0),
                          "balance loss weight (learned token-level routers)"),
        ParamSpec::Int("steps", 1000, Bounds::Closed(1, 1 << 24), "AdamW steps"),
        ParamSpec::Int("batch", 128, Bounds::Closed(1, 1 << 16), "samples per step"),
        ParamSpec::Double("lr", 3e-3, Bounds::Positive(), "AdamW learning rate"),
    };
  }
  std::vector<std::string> DataKeys() const override {
    return {"tasks", "holdout_tasks", "skills", "skills_per_task",
            "dim",   "separation",    "noise",  "batch"};
  }

  void CheckCell(const Params& p) const override {
    SkillTaskSpec(p).Validate();
    EXPERTLAB_CHECK(p.Int("holdout_tasks") < p.Int("tasks"))
        << "holdout_tasks: must be < tasks = " << p.Int("tasks") << ", got "
        << p.Int("holdout_tasks");
    ModelConfig(p, {}).Validate();
  }

  void RunCell(const Params& p, CellContext& context) const override {
    Rng task_rng = context.DataStream(kSkillTaskStream);
    const moe::RoutingTask task(SkillTaskSpec(p), task_rng);
    Rng wrong_rng = context.Stream(1);
    const std::string routing = p.String("routing");
    Rng init = context.Stream(0);
    TaskMoe model(ModelConfig(p, SkillMap(task, routing == "skills_wrong", wrong_rng)), init);
    moe::AdamWConfig opt_config;
    opt_config.lr = p.Double("lr");
    moe::AdamW<double> opt(opt_config);
    Rng batches = context.DataStream(kSkillBatchStream), gumbel = context.Stream(2);
    const bool task_level = model.config().routing == moe::TaskRouting::kTaskLevel;
    const int64_t steps = p.Int("steps");
    // tau = 2 (1/20)^(step / (2/3 steps)), then 0.1.
    const double decay = std::log(20.0) / (2.0 / 3.0 * double(steps));
    for (int64_t step = 0; step < steps; ++step) {
      model.SetTemperature(std::max(0.1, 2.0 * std::exp(-decay * double(step))));
      const SkillBatch b = DrawSkillBatch(task, p.Int("batch"), batches, moe::RoutingSplit::kTrain);
      model.Forward(b.x, b.task, task_level ? &gumbel : nullptr);
      model.Backward(b.y);
      opt.Step(model.Params());
    }
    context.Record("bayes_mse", 0, task.BayesMse());
    Rng test = context.DataStream(kSkillTestStream);
    const SkillBatch train_test =
        DrawSkillBatch(task, kTestPerSplit, test, moe::RoutingSplit::kTrain);
    const TaskMseSummary trained = SummarizeTaskMse(model, train_test);
    context.Record("mse.train", steps, trained.mean);
    context.Record("mse.worst_task", steps, trained.worst);
    // Block 0's top-1 expert per token (the last forward: train_test).
    const Eigen::MatrixXd& gates = model.Gates(0);
    std::vector<int32_t> top1(gates.rows());
    for (int64_t i = 0; i < gates.rows(); ++i) {
      Eigen::Index e = 0;
      gates.row(i).maxCoeff(&e);
      top1[i] = static_cast<int32_t>(e);
    }
    context.Record(
        "route_nmi", steps,
        moe::NormalizedMutualInformation(top1.data(), p.Int("skills"), train_test.task.data(),
                                         p.Int("tasks"), int64_t(top1.size())));
    double lift = 0;
    if (RouteSkillLift(task, top1, train_test.task, p.Int("skills"), &lift))
      context.Record("route_skill_lift", steps, lift);
    context.Record("active_params", steps, model.ActiveParamsPerToken());
    if (p.Int("holdout_tasks") == 0) return;
    const SkillBatch heldout =
        DrawSkillBatch(task, kTestPerSplit, test, moe::RoutingSplit::kHeldOut);
    context.Record("mse.heldout", steps, SummarizeTaskMse(model, heldout).mean);
  }

 private:
  static moe::TaskMoeConfig ModelConfig(const Params& p,
                                        std::vector<std::vector<int64_t>> skill_map) {
    moe::TaskMoeConfig c;
    c.dim = p.Int("dim");
    c.out = SkillTaskSpec(p).out_dim;
    c.width = p.Int("width");
    c.hidden = p.Int("hidden");
    c.experts = p.Int("skills");
    c.top_k = p.Int("skills_per_task");
    c.blocks = p.Int("blocks");
    c.tasks = p.Int("tasks");
    c.balance = p.Double("balance");
    const std::string routing = p.String("routing");
    c.routing = moe::ParseTaskRouting(routing == "skills_wrong" ? "skills" : routing);
    c.skill_map = skill_map.empty() && c.routing == moe::TaskRouting::kSkills
                      ? std::vector<std::vector<int64_t>>(c.tasks, std::vector<int64_t>{0})
                      : std::move(skill_map);
    return c;
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(TaskExperts, "task_experts",
                              "Task-aware experts on skill composition: M3ViT's task-conditioned "
                              "and multi-gate routers, SkillNet's predefined skills (true and "
                              "wrong maps), task-level MoE with Gumbel routes, against token "
                              "routing and dense multi-task; held-out compositions zero-shot")

}  // namespace expertlab::experiments
