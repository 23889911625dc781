#include "experiments/routing_cell.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "algorithms/moe/train.h"
#include "algorithms/moe/train/routing_metrics.h"
#include "algorithms/moe/train/routing_tasks.h"
#include "algorithms/moe/train/training_state.h"
#include "experiments/moe_model_keys.h"
#include "experiments/training_checkpoints.h"
#include "sim/check.h"
#include "sim/spec.h"

namespace expertlab::experiments {
namespace {

using namespace expertlab::moe;

constexpr uint64_t kTaskStream = 0;
constexpr uint64_t kTrainStream = 1;
constexpr uint64_t kInitStream = 2;
constexpr uint64_t kValidationStream = 3;
constexpr uint64_t kRouterStream = 0;

}  // namespace

RoutingTaskSpec RoutingStudy::TaskSpec(const Params& p) const {
  RoutingTaskSpec spec;
  spec.clusters = p.Int("K");
  spec.dim = p.Int("dim");
  spec.separation = p.Double("separation");
  spec.skew = p.Double("skew");
  spec.noise = p.Double("noise");
  spec.max_features = p.Int("max_features");
  spec.structure = ParseTaskStructure(p.String("structure"));
  spec.super = p.Int("super");
  if (const auto sub = p.AutoDouble("sub_separation")) spec.sub_separation = *sub;
  spec.common_share = p.Double("common_share");
  spec.skills = p.Int("skills");
  spec.skills_per_task = p.Int("skills_per_task");
  spec.holdout_tasks = p.Int("holdout_tasks");
  return spec;
}

namespace {

Batch<float> AsBatch(const RoutingSample& s) {
  return {s.n, nullptr, s.x.data(), nullptr, s.y.data()};
}

// Validation MSE and the routing summary of every block (averaged).
struct Evaluation {
  double mse = 0;
  RoutingSummary routing;
  double active_width = 0;  // ActiveWidthPerToken, averaged over blocks
};

Evaluation Evaluate(MoeModel<float>& model, const RoutingSample& val, int64_t clusters, Rng* rng) {
  const Batch<float> batch = AsBatch(val);
  model.Forward(batch, false, rng);
  Evaluation out;
  out.mse = model.Loss(batch);
  const double B = double(model.blocks());
  const int64_t E = model.config().moe.experts;
  for (int64_t b = 0; b < model.blocks(); ++b) {
    const RoutingSummary s = SummarizeRouting(model.state(b), E, val.cluster.data(), clusters);
    RoutingSummary& o = out.routing;
    o.load_entropy += s.load_entropy / B;
    o.load_cv += s.load_cv / B;
    o.max_load += s.max_load / B;
    o.dead_experts += s.dead_experts;
    o.drop_rate += s.drop_rate / B;
    o.zero_expert_rate += s.zero_expert_rate / B;
    o.experts_per_token += s.experts_per_token / B;
    o.nmi += s.nmi / B;
    o.purity += s.purity / B;
    o.oracle_agreement += s.oracle_agreement / B;
    out.active_width += ActiveWidthPerToken(model.state(b), model.config().moe) / B;
  }
  return out;
}

// The spec that makes `router` run k experts per token at inference:
// SMoE-Dropout's eval_k, the layer's k for every other router.
std::string InferenceRouter(const std::string& router, int64_t k) {
  return ParseSpecString(router).name == "smoe_dropout"
             ? SpecWithArg(router, "eval_k", std::to_string(k))
             : router;
}

// A copy of `trained` with another router spec and k.
MoeModel<float> CopyWithRouter(MoeModel<float>& trained, const std::string& router, int64_t k) {
  ModelConfig config = trained.config();
  config.router = router;
  config.moe.top_k = k;
  Rng unused(0, 0, 0, 0);
  MoeModel<float> copy(config, unused);
  auto from = trained.Params(), to = copy.Params();
  for (size_t i = 0; i < from.size(); ++i) std::copy_n(from[i].value, from[i].size, to[i].value);
  copy.ParamsChanged();
  return copy;
}

// Validation MSE of `trained`'s weights run with k experts per token at
// inference (a copy with the inference router), recorded at step `steps`
// as val_mse_at_k.<k> and experts_at_k.<k>.
void RecordInferenceK(MoeModel<float>& trained, const RoutingSample& val, int64_t K, int64_t k,
                      int64_t steps, CellContext& context) {
  MoeModel<float> copy = CopyWithRouter(trained, InferenceRouter(trained.config().router, k), k);
  Rng route(0, 0, 0, 1);
  const Evaluation e = Evaluate(copy, val, K, &route);
  context.Record("val_mse_at_k." + std::to_string(k), steps, e.mse);
  context.Record("experts_at_k." + std::to_string(k), steps, e.routing.experts_per_token);
}

// Per-cluster experts per token and MSE of the last validation forward.
void RecordByCluster(MoeModel<float>& model, const RoutingSample& val, int64_t K, int64_t steps,
                     Rng* rng, CellContext& context) {
  const std::vector<float>& out = model.Forward(AsBatch(val), false, rng);
  const MoeConfig& layer = model.config().moe;
  const std::vector<double> experts =
      ExpertsPerTokenByLabel(model.state(0), layer.experts, val.cluster.data(), K);
  std::vector<double> width(layer.expert_widths.begin(), layer.expert_widths.end());
  const std::vector<double> width_by_cluster =
      width.empty() ? std::vector<double>{}
                    : ExpertsPerTokenByLabel(model.state(0), layer.experts, val.cluster.data(), K,
                                             width.data());
  std::vector<double> sse(K, 0.0), count(K, 0.0);
  for (int64_t t = 0; t < val.n; ++t) {
    sse[val.cluster[t]] += std::pow(double(out[t]) - val.y[t], 2);
    count[val.cluster[t]] += 1;
  }
  for (int64_t c = 0; c < K; ++c) {
    if (count[c] == 0) continue;
    context.Record("experts_by_cluster." + std::to_string(c), steps, experts[c]);
    if (!width_by_cluster.empty())
      context.Record("width_by_cluster." + std::to_string(c), steps, width_by_cluster[c]);
    context.Record("mse_by_cluster." + std::to_string(c), steps, sse[c] / count[c]);
  }
}

// heldout_mse: the validation MSE on `n` examples of the held-out tasks,
// drawn from the validation stream after the ordinary validation set.
void RecordHeldOut(MoeModel<float>& model, const RoutingTask& task, int64_t n, Rng& val_rng,
                   int64_t steps, Rng* rng, CellContext& context) {
  const RoutingSample held = task.Sample(n, val_rng, RoutingSplit::kHeldOut);
  const Batch<float> batch = AsBatch(held);
  model.Forward(batch, false, rng);
  context.Record("heldout_mse", steps, model.Loss(batch));
}

// Hierarchical tasks with `super` dividing E: experts in `super` groups
// (devices), groups_per_token and group_nmi against the super-clusters of
// the last validation forward, averaged over blocks.
void RecordGroups(MoeModel<float>& model, const RoutingSample& val, const RoutingTask& task,
                  int64_t steps, CellContext& context) {
  const int64_t groups = task.spec().super, per_super = task.spec().clusters / groups;
  std::vector<int32_t> super(val.n);
  for (int64_t t = 0; t < val.n; ++t) super[t] = int32_t(val.cluster[t] / per_super);
  GroupSummary mean;
  for (int64_t b = 0; b < model.blocks(); ++b) {
    const GroupSummary g =
        SummarizeGroups(model.state(b), model.config().moe.experts, groups, super.data(), groups);
    mean.groups_per_token += g.groups_per_token / double(model.blocks());
    mean.nmi += g.nmi / double(model.blocks());
  }
  context.Record("groups_per_token", steps, mean.groups_per_token);
  context.Record("group_nmi", steps, mean.nmi);
}

void RecordCurve(const Evaluation& e, int64_t step, CellContext& context) {
  context.Record("val_mse", step, e.mse);
  context.Record("load_entropy", step, e.routing.load_entropy);
  context.Record("dead_experts", step, double(e.routing.dead_experts));
  context.Record("experts_per_token", step, e.routing.experts_per_token);
  context.Record("nmi", step, e.routing.nmi);
}

}  // namespace

std::string SpecWithArg(const std::string& spec, const std::string& key, const std::string& value) {
  const SpecString parsed = ParseSpecString(spec);
  std::string out = parsed.name + "(" + key + "=" + value;
  for (const auto& [k, v] : parsed.args)
    if (k != key) out += "," + k + "=" + v;
  return out + ")";
}

double ValidationMseWith(MoeModel<float>& trained, const std::string& router,
                         const RoutingSample& val) {
  MoeModel<float> copy = CopyWithRouter(trained, router, trained.config().moe.top_k);
  Rng route(0, 0, 0, 1);
  const Batch<float> batch = AsBatch(val);
  copy.Forward(batch, false, &route);
  return copy.Loss(batch);
}

std::vector<ParamSpec> RoutingStudy::Parameters() const {
  return {
      SpecParam<Router>("router", "topk_softmax", "router spec, e.g. noisy_topk(noise=0.5)"),
      ParamSpec::Int("K", 8, Bounds::Closed(1, 1024), "latent clusters of the task"),
      ParamSpec::Int("dim", 16, Bounds::Closed(1, 4096), "input dimension"),
      ParamSpec::Double("separation", 8.0, Bounds::AtLeast(0),
                        "expected distance between cluster means (noise sd units)"),
      ParamSpec::Double("skew", 0.0, Bounds::AtLeast(0), "cluster weights ~ (c + 1)^-skew"),
      ParamSpec::Double("noise", 0.1, Bounds::AtLeast(0), "target noise sd (Bayes MSE noise^2)"),
      ParamSpec::Int("max_features", 0, Bounds::Closed(0, 4096),
                     "Fourier features of the hardest cluster (0 = linear clusters)"),
      ParamSpec::Choice("structure", "clusters", TaskStructureNames(),
                        "latent structure of the task (algorithms/moe/train/routing_tasks.h)"),
      ParamSpec::Int("super", 2, Bounds::Closed(1, 1024),
                     "hierarchical: super-clusters (must divide K)"),
      ParamSpec::AutoDouble("sub_separation", Bounds::AtLeast(0),
                            "hierarchical: spread of sub-cluster means (auto = separation / 4)"),
      ParamSpec::Double("common_share", 0.5, Bounds::Closed(0, 1),
                        "common_specific: variance share of the map shared by all clusters"),
      ParamSpec::Int("skills", 6, Bounds::Closed(1, 1024), "skills: skill maps S"),
      ParamSpec::Int("skills_per_task", 2, Bounds::Closed(1, 1024),
                     "skills: skills per task (C(skills, skills_per_task) >= K)"),
      ParamSpec::Int("holdout_tasks", 0, Bounds::Closed(0, 1023),
                     "last clusters kept out of training; > 0 records heldout_mse"),
      ParamSpec::Int("E", 8, Bounds::Closed(1, 1024), "routed experts per block"),
      ParamSpec::Int("k", 1, Bounds::Closed(1, 1024), "the layer's k (experts per token)"),
      ParamSpec::Int("d_model", 32, Bounds::Closed(1, 4096), "model width"),
      ParamSpec::Int("d_ff", 32, Bounds::Closed(1, 16384), "expert hidden width"),
      ParamSpec::Int("blocks", 1, Bounds::Closed(1, 64), "MoE blocks"),
      ParamSpec::Double("capacity_factor", 0.0, Bounds::AtLeast(0),
                        "0 = dropless; else C = ceil(cf T k / E)"),
      ParamSpec::Double("balance", 0.01, Bounds::AtLeast(0), "load-balance loss weight"),
      ParamSpec::Double("z", 0.0, Bounds::AtLeast(0), "router z-loss weight"),
      ParamSpec::Int("steps", 400, Bounds::Closed(1, 1 << 24), "AdamW steps"),
      ParamSpec::Int("batch", 128, Bounds::Closed(1, 1 << 20), "examples per step"),
      ParamSpec::Double("lr", 3e-3, Bounds::Positive(), "AdamW learning rate"),
      ParamSpec::Int("val", 2048, Bounds::Closed(1, 1 << 22), "validation examples"),
      ParamSpec::Bool("eval_ks", false,
                      "after training, also evaluate with k = 1..E experts per token"),
      ParamSpec::Int("per_octave", 2, Bounds::Closed(1, 64), "curve points per doubling of steps"),
  };
}

ModelConfig RoutingStudy::Model(const Params& p) const {
  ModelConfig c;
  ReadMoeModelKeys(p, &c);
  c.moe = LayerShape(p, c.moe);
  c.input_dim = p.Int("dim");
  c.out_dim = 1;
  c.loss = LossKind::kMse;
  return c;
}

std::vector<std::string> RoutingStudy::DataKeys() const {
  return {"K",
          "dim",
          "separation",
          "skew",
          "noise",
          "max_features",
          "structure",
          "super",
          "sub_separation",
          "common_share",
          "skills",
          "skills_per_task",
          "holdout_tasks",
          "E",
          "d_model",
          "d_ff",
          "blocks",
          "batch",
          "val"};
}

void RoutingStudy::CheckCell(const Params& p) const {
  TaskSpec(p).Validate();
  const ModelConfig c = Model(p);
  EXPERTLAB_CHECK(c.moe.top_k <= c.moe.experts)
      << "k: must be <= E = " << c.moe.experts << ", got " << c.moe.top_k;
  CheckRouterFitsLayer(c.router, c.moe);
}

void RoutingStudy::RunCell(const Params& p, CellContext& context) const {
  CheckCell(p);
  Rng task_rng = context.DataStream(kTaskStream);
  const RoutingTask task(TaskSpec(p), task_rng);
  Rng val_rng = context.DataStream(kValidationStream);
  const RoutingSample val = task.Sample(p.Int("val"), val_rng);
  Rng init_rng = context.DataStream(kInitStream);
  MoeModel<float> model(Model(p), init_rng);
  AdamWConfig opt_config;
  opt_config.lr = p.Double("lr");
  AdamW<float> opt(opt_config);
  Rng train_rng = context.DataStream(kTrainStream);
  Rng router_rng = context.Stream(kRouterStream);
  int64_t start = 0;
  if (const auto resumed = context.Resume()) {
    start = resumed->step;
    ByteReader state(resumed->state);
    RestoreTraining(state, model, opt);
    train_rng.Restore(state);
    router_rng.Restore(state);
  }
  TrainingCheckpoints saves(context);
  const int64_t steps = p.Int("steps"), batch = p.Int("batch"), K = p.Int("K");
  const std::vector<int64_t> curve = LogCheckpoints(steps, static_cast<int>(p.Int("per_octave")));
  bool diverged = false;
  for (int64_t step = start + 1; step <= steps; ++step) {
    const RoutingSample s = task.Sample(batch, train_rng);
    const StepResult r = model.ComputeGradients(AsBatch(s), &router_rng);
    if (!std::isfinite(r.loss + r.aux_loss) || !std::isfinite(r.grad_norm)) {
      diverged = true;
      break;
    }
    opt.Step(model.Params());
    model.ParamsChanged();
    if (std::binary_search(curve.begin(), curve.end(), step))
      RecordCurve(Evaluate(model, val, K, &router_rng), step, context);
    if (step < steps)
      saves.MaybeSave(step, [&](ByteWriter& out) {
        SaveTraining(model, opt, out);
        train_rng.Save(out);
        router_rng.Save(out);
      });
  }
  context.Record("diverged", steps, diverged ? 1.0 : 0.0);
  context.Record("theory.bayes_mse", steps, task.BayesMse());
  if (diverged) return;
  const Evaluation e = Evaluate(model, val, K, &router_rng);
  const RoutingSummary& s = e.routing;
  RecordByCluster(model, val, K, steps, &router_rng, context);
  if (p.Bool("eval_ks"))
    for (int64_t k = 1; k <= model.config().moe.experts; ++k)
      RecordInferenceK(model, val, K, k, steps, context);
  context.Record("load_cv", steps, s.load_cv);
  context.Record("max_load", steps, s.max_load);
  context.Record("drop_rate", steps, s.drop_rate);
  context.Record("zero_expert_rate", steps, s.zero_expert_rate);
  context.Record("purity", steps, s.purity);
  context.Record("oracle_agreement", steps, s.oracle_agreement);
  const MoeConfig& layer = model.config().moe;
  const double d = double(p.Int("d_model")), gate_in = double(layer.GateRows());
  const double shared_width = double(layer.shared_experts * layer.d_ff);
  // Merged experts (SMEAR) run one expert per token, after a merge of 3 E
  // d f multiply-adds per group of tokens.
  const int64_t merge_group = model.layer(0).router().MergeGroup();
  const double width = merge_group > 0 ? double(layer.d_ff) : e.active_width;
  const double merge_flops =
      merge_group > 0 ? 6.0 * d * double(layer.d_ff * layer.experts) / double(merge_group) : 0.0;
  context.Record("active_width", steps, width);
  context.Record(
      "active_flops_per_token", steps,
      double(p.Int("blocks")) * ((2.0 * gate_in + 4.0 * d) * width + 6.0 * d * shared_width +
                                 merge_flops + 2.0 * d * double(layer.RouterColumns())));
  if (task.spec().structure == TaskStructure::kHierarchical && layer.experts % p.Int("super") == 0)
    RecordGroups(model, val, task, steps, context);
  if (p.Int("holdout_tasks") > 0)
    RecordHeldOut(model, task, p.Int("val"), val_rng, steps, &router_rng, context);
  RecordTrained(p, model, val, context);
}

}  // namespace expertlab::experiments
