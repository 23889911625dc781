// mcsmoe_merging: merging the experts of a trained MoE model by its routing
// policy, then compressing them (M-SMoE and MC-SMoE; Li et al., ICLR 2024;
// algorithms/moe/merge_experts.h), against pruning and plain averaging at
// the same memory. One MoE transformer per replicate (charlm_model.h)
// trains with top-2 renormalised routing on generated algorithmic
// problems. On calibration windows of the training text (cell stream 1)
// each block's top-1 usage frequencies and router-logit similarities are
// measured; a global budget of g = E / 4 or E / 2 groups per block on
// average gives each block's G_l. Arms, each from the trained weights, at inference only
// (no fine-tuning afterwards):
//   prune      each block keeps its G_l most used experts, the others
//              switched off (the router picks the top-k of those kept)
//   average    dominant-expert groups, aligned, plain average
//   random     random groups (G_l random cores, every other expert joins a
//              random one; cell stream 2), aligned, frequency weighted
//   unaligned  dominant-expert groups, frequency weighted, not aligned
//   msmoe      dominant-expert groups, aligned, frequency weighted (M-SMoE)
//   mcsmoe     msmoe, each merged matrix then low rank (rank d / 4) plus
//              the largest 10% of the residual (MC-SMoE's compression)
// Each arm, and the trained model itself (none), is scored as it is
// (oneshot); all but the ablations random and unaligned also after
// fine-tuning steps / 10 AdamW steps at lr / 4 on the same training
// windows (tuned), merged experts kept tied by projecting every group back
// onto its frequency-weighted average (and compressed form) after each
// step: the paper fine-tunes its merged models too.
// Rows at `steps`, for arm a, budget g and stage s in oneshot, tuned
// (a = none without .g<g>):
//   exact_match.<a>.g<g>.<s>      share of held-out answers entirely right
//   answer_accuracy.<a>.g<g>.<s>  share of answer characters right
//   memory.<a>.g<g>               expert parameters kept over the model's
// and diverged.
#include <algorithm>
#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "algorithms/moe/merge_experts.h"
#include "experiments/charlm_model.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/registry.h"

namespace expertlab::experiments {
namespace {

using moe::SequenceBatch;
using moe::SequenceModel;

constexpr int64_t kCalibrationWindows = 256;  // the paper's calibration samples
constexpr double kSparseShare = 0.10;         // MC-SMoE's kept share of S

// Per block: top-1 usage frequencies and router-logit similarities over
// kCalibrationWindows training windows.
struct RoutingPolicy {
  std::vector<std::vector<double>> frequency, similarity;
};

RoutingPolicy MeasurePolicy(CharLm& lm, Rng& rng) {
  SequenceModel<float>& model = *lm.model;
  const int64_t length = model.config().context, B = model.blocks();
  const int64_t E = model.config().moe.experts;
  std::vector<int32_t> tokens, targets;
  lm.corpus->SampleWindows(rng, kCalibrationWindows, length, &tokens, &targets);
  std::vector<std::vector<double>> logits(B);
  for (int64_t w = 0; w < kCalibrationWindows; w += lm.eval_batch) {
    const int64_t n = std::min(lm.eval_batch, kCalibrationWindows - w);
    model.Forward({n, length, tokens.data() + w * length, targets.data() + w * length}, false,
                  nullptr);
    for (int64_t l = 0; l < B; ++l) {
      const moe::MoeState<float>& st = model.state(l);
      const int64_t columns = static_cast<int64_t>(st.logits.size()) / st.tokens;
      for (int64_t t = 0; t < st.tokens; ++t)
        logits[l].insert(logits[l].end(), st.logits.begin() + t * columns,
                         st.logits.begin() + t * columns + E);
    }
  }
  RoutingPolicy policy;
  for (int64_t l = 0; l < B; ++l) {
    const int64_t T = static_cast<int64_t>(logits[l].size()) / E;
    policy.frequency.push_back(moe::TopOneFrequencies(logits[l].data(), T, E, E));
    policy.similarity.push_back(moe::RouterLogitSimilarity(logits[l].data(), T, E, E));
  }
  return policy;
}

// Random groups: `groups` distinct random cores, every other expert joins
// a uniformly random core.
std::vector<int32_t> RandomGroups(int64_t experts, int64_t groups, Rng& rng) {
  std::vector<int32_t> order(experts);
  std::iota(order.begin(), order.end(), 0);
  for (int64_t i = 0; i < groups; ++i)  // partial Fisher-Yates: the cores
    std::swap(order[i],
              order[i + static_cast<int64_t>(rng.UniformInt(static_cast<uint64_t>(experts - i)))]);
  std::vector<int32_t> group_of(experts);
  for (int64_t i = 0; i < experts; ++i)
    group_of[order[i]] =
        i < groups ? order[i] : order[rng.UniformInt(static_cast<uint64_t>(groups))];
  return group_of;
}

enum class Arm { kPrune, kAverage, kRandom, kUnaligned, kMsmoe, kMcsmoe };
constexpr Arm kArms[] = {Arm::kPrune,     Arm::kAverage, Arm::kRandom,
                         Arm::kUnaligned, Arm::kMsmoe,   Arm::kMcsmoe};

std::string ArmName(Arm arm) {
  switch (arm) {
    case Arm::kPrune: return "prune";
    case Arm::kAverage: return "average";
    case Arm::kRandom: return "random";
    case Arm::kUnaligned: return "unaligned";
    case Arm::kMsmoe: return "msmoe";
    case Arm::kMcsmoe: return "mcsmoe";
  }
  return "";
}

// A merge arm's groups and weights per block, and whether it compresses.
struct MergePlan {
  std::vector<std::vector<int32_t>> group_of;
  std::vector<std::vector<double>> weights;
  bool align = true, compress = false;
};

MergePlan PlanOf(const RoutingPolicy& policy, const std::vector<int64_t>& groups, Arm arm,
                 Rng& rng) {
  MergePlan plan;
  plan.align = arm != Arm::kUnaligned;
  plan.compress = arm == Arm::kMcsmoe;
  for (size_t l = 0; l < groups.size(); ++l) {
    const int64_t E = static_cast<int64_t>(policy.frequency[l].size());
    plan.group_of.push_back(
        arm == Arm::kRandom
            ? RandomGroups(E, groups[l], rng)
            : moe::GroupAroundDominant(policy.frequency[l], policy.similarity[l], groups[l]));
    plan.weights.push_back(arm == Arm::kAverage ? std::vector<double>(E, 1.0)
                                                : policy.frequency[l]);
  }
  return plan;
}

// Merges (aligning first when `align`) and compresses the model's experts
// by `plan`; returns the parameters of the distinct experts left. Run
// again without alignment after each fine-tuning step, it projects the
// updated members back onto one merged (and compressed) expert per group.
double ApplyMerge(SequenceModel<float>& model, const MergePlan& plan, bool align) {
  const int64_t d = model.config().moe.d_model, f = model.config().moe.d_ff;
  double kept = 0;
  for (int64_t l = 0; l < model.blocks(); ++l) {
    moe::MoeWeights<float>& w = model.layer(l).mutable_weights();
    moe::MergeExpertGroups(&w, plan.group_of[l], plan.weights[l], align);
    for (int64_t core = 0; core < w.experts; ++core) {
      if (plan.group_of[l][core] != core) continue;
      if (!plan.compress) {
        kept += double(3 * d * f);
        continue;
      }
      // Compress the group's merged expert once; its members share it.
      kept += double(moe::LowRankPlusSparse(w.Gate(core), d, f, d / 4, kSparseShare) +
                     moe::LowRankPlusSparse(w.Up(core), d, f, d / 4, kSparseShare) +
                     moe::LowRankPlusSparse(w.Down(core), f, d, d / 4, kSparseShare));
      for (int64_t e = 0; e < w.experts; ++e)
        if (plan.group_of[l][e] == core && e != core)
          for (int64_t m = 0; m < 3; ++m) std::copy_n(w.Tensor(core, m), d * f, w.Tensor(e, m));
    }
  }
  return kept;
}

// Each block's experts switched off by pruning: all but its G_l most used.
std::vector<std::vector<int32_t>> PrunedExperts(const RoutingPolicy& policy,
                                                const std::vector<int64_t>& groups) {
  std::vector<std::vector<int32_t>> off;
  for (size_t l = 0; l < groups.size(); ++l) {
    const std::vector<int32_t> order = moe::ExpertsByFrequency(policy.frequency[l]);
    off.emplace_back(order.begin() + groups[l], order.end());
  }
  return off;
}

class McsmoeMerging final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override { return CharLmParameters(); }
  std::vector<std::string> DataKeys() const override { return CharLmDataKeys(); }

  void CheckCell(const Params& p) const override {
    CheckAlgorithmicCharLmCell(p, "mcsmoe_merging scores exact match");
    const SpecString router = ParseSpecString(p.String("router"));
    const auto renormalize = router.args.find("renormalize");
    EXPERTLAB_CHECK(router.name == "mote" ||
                    (router.name == "topk_softmax" && renormalize != router.args.end() &&
                     renormalize->second == "true"))
        << "router: pruning switches experts off through mote, which routes as "
           "topk_softmax(renormalize=true), so the model must train with one of those two; got "
        << p.String("router");
    EXPERTLAB_CHECK(p.Int("E") >= 4)
        << "E: the budgets E / 4 and E / 2 groups per block need E >= 4, got " << p.Int("E");
  }

  void RunCell(const Params& p, CellContext& context) const override {
    const int64_t steps = p.Int("steps"), E = p.Int("E");
    const auto lm = TrainCharLmForProbes(p, context);
    if (!lm) return;
    SequenceModel<float>& trained = *lm->model;
    const double full = double(trained.blocks() * E * 3 * p.Int("d_model") * p.Int("d_ff"));
    // Every model fine-tunes on the same windows (cell stream 3).
    const Rng tuning = context.Stream(3);
    const int64_t tune_steps = std::max<int64_t>(1, steps / 10);
    const double tune_lr = p.Double("lr") / 4;
    const auto evaluate = [&](SequenceModel<float>& model, const std::string& name,
                              const std::function<void(SequenceModel<float>&)>& project,
                              bool tune = true) {
      RecordExactMatch(name + ".oneshot", DecodeAnswersOf(*lm, model), steps, context);
      if (!tune) return;
      const bool finite =
          FineTuneCharLm(*lm, model, tune_steps, p.Int("batch"), tune_lr, tuning, project);
      if (finite) RecordExactMatch(name + ".tuned", DecodeAnswersOf(*lm, model), steps, context);
    };
    evaluate(*CopyCharLmWithRouter(trained, trained.config().router, p.Int("k")), "none", {});
    Rng calibration = context.Stream(1), random_groups = context.Stream(2);
    const RoutingPolicy policy = MeasurePolicy(*lm, calibration);
    for (int64_t g : {E / 4, E / 2}) {
      const std::vector<int64_t> groups = moe::GroupsPerLayer(policy.frequency, g);
      for (Arm arm : kArms) {
        const std::string name = ArmName(arm) + ".g" + std::to_string(g);
        if (arm == Arm::kPrune) {
          double kept = 0;
          for (int64_t n : groups) kept += double(n) / double(E * groups.size());
          context.Record("memory." + name, steps, kept);
          evaluate(
              *CopyCharLmWithIntervention(trained, "refill", PrunedExperts(policy, groups), {}),
              name, {});
          continue;
        }
        const MergePlan plan = PlanOf(policy, groups, arm, random_groups);
        auto model = CopyCharLmWithRouter(trained, trained.config().router, p.Int("k"));
        context.Record("memory." + name, steps, ApplyMerge(*model, plan, plan.align) / full);
        evaluate(
            *model, name, [&](SequenceModel<float>& m) { ApplyMerge(m, plan, false); },
            arm != Arm::kRandom && arm != Arm::kUnaligned);
      }
    }
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(McsmoeMerging, "mcsmoe_merging",
                              "M-SMoE / MC-SMoE: experts merged by routing policy (frequency "
                              "weighted, aligned), then low rank + sparse, against pruning, "
                              "plain averaging and random groups at equal memory")

}  // namespace expertlab::experiments
