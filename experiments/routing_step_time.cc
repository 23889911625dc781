// routing_step_time: wall time of one training step per router, measured
// against top-k softmax in the same cell. The routing studies' stored rows
// are a function of (seed, config, replicate) only, so their wall time is
// measured here, in a Measured experiment of its own.
//
// One cell = one router on the sequence model of the routing comparisons
// (algorithms/moe/train/sequence_model.h: causal attention + an MoE FFN
// per block, cross-entropy head) at a fixed shape; the step is forward,
// backward, AdamW and the repack. The router's model and a top-k softmax
// model of the same shape and initial weights train on the same random
// tokens in interleaved rounds (sim/timing.h), so a slow phase of the
// machine hits both alike; the ratio is the median of per-round ratios.
// A router with a consistency pass (THOR) runs the batch twice by design,
// and its time says so.
//
// Metrics (step 0):
//   ms_per_step         median over rounds, this router
//   ref_ms_per_step     median over rounds, top-k softmax (same k)
//   x_vs_topk           median over rounds of this / reference (> 1 = slower)
//   experts_per_token   kept routed experts per position in the last timed
//                       step, mean over blocks
//   tokens_per_s        batch x context / ms_per_step
#include <functional>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/moe/train/adamw.h"
#include "algorithms/moe/train/sequence_model.h"
#include "sim/experiment.h"
#include "sim/registry.h"
#include "sim/spec.h"
#include "sim/timing.h"

namespace expertlab::experiments {
namespace {

using namespace expertlab::moe;

constexpr int64_t kStepTimeVocab = 96;

SequenceConfig StepTimeModel(const Params& p, const std::string& router, int threads) {
  SequenceConfig c;
  c.vocab = kStepTimeVocab;
  c.context = p.Int("context");
  c.d_model = p.Int("d_model");
  c.heads = p.Int("heads");
  c.blocks = p.Int("blocks");
  c.moe.d_ff = p.Int("d_ff");
  c.moe.experts = p.Int("E");
  c.moe.top_k = p.Int("k");
  c.router = router;
  c.aux = {0.01, 0.001};
  c.threads = threads;
  return c;
}

// A model with its optimiser, training on one fixed batch.
struct TimedTraining {
  SequenceModel<float> model;
  AdamW<float> optimizer{AdamWConfig{}};
  Rng routing;
  TimedTraining(const SequenceConfig& config, Rng init, Rng routing_stream)
      : model(config, init), routing(routing_stream) {}
  void Step(const SequenceBatch& batch) {
    model.ComputeGradients(batch, &routing);
    optimizer.Step(model.Params());
    model.ParamsChanged();
  }
};

// Per position of the last forward (THOR's consistency pass routes the
// batch stacked twice).
double ExpertsPerToken(const SequenceModel<float>& model) {
  double per_token = 0;
  for (int64_t b = 0; b < model.blocks(); ++b) {
    double kept = 0;
    for (int64_t k : model.state(b).stats.kept) kept += double(k);
    per_token += kept / double(model.state(b).tokens);
  }
  return per_token / double(model.blocks());
}

class RoutingStepTime final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        SpecParam<Router>("router", "topk_softmax", "router spec, e.g. expert_choice"),
        ParamSpec::Int("d_model", 128, Bounds::Closed(1, 4096), "model width"),
        ParamSpec::Int("heads", 4, Bounds::Closed(1, 64), "attention heads"),
        ParamSpec::Int("blocks", 1, Bounds::Closed(1, 64), "attention + MoE blocks"),
        ParamSpec::Int("d_ff", 256, Bounds::Closed(1, 16384), "expert hidden width"),
        ParamSpec::Int("E", 8, Bounds::Closed(1, 1024), "routed experts per block"),
        ParamSpec::Int("k", 2, Bounds::Closed(1, 1024), "the layer's k"),
        ParamSpec::Int("context", 64, Bounds::Closed(1, 4096), "positions per sequence"),
        ParamSpec::Int("batch", 32, Bounds::Closed(1, 4096), "sequences per step"),
        ParamSpec::Int("rounds", 5, Bounds::Closed(1, 1000), "interleaved timed rounds"),
    };
  }
  bool Measured() const override { return true; }
  bool Exclusive() const override { return true; }

  void CheckCell(const Params& p) const override {
    StepTimeModel(p, p.String("router"), 1).Validate();
    EXPERTLAB_CHECK(p.Int("d_model") % p.Int("heads") == 0)
        << "heads: must divide d_model = " << p.Int("d_model") << ", got " << p.Int("heads");
  }

  void RunCell(const Params& p, CellContext& context) const override {
    CheckCell(p);
    const int threads = context.threads();
    TimedTraining routed(StepTimeModel(p, p.String("router"), threads), context.DataStream(0),
                         context.Stream(1));
    TimedTraining reference(StepTimeModel(p, "topk_softmax", threads), context.DataStream(0),
                            context.Stream(1));
    const int64_t N = p.Int("batch"), L = p.Int("context");
    Rng data = context.DataStream(2);
    std::vector<int32_t> tokens(N * L), targets(N * L);
    for (auto& t : tokens) t = static_cast<int32_t>(data.UniformInt(kStepTimeVocab));
    for (auto& t : targets) t = static_cast<int32_t>(data.UniformInt(kStepTimeVocab));
    const SequenceBatch batch{N, L, tokens.data(), targets.data()};
    const InterleavedTimes times =
        TimeInterleaved({[&] { routed.Step(batch); }, [&] { reference.Step(batch); }},
                        static_cast<int>(p.Int("rounds")));
    const double ms = 1e3 * times.Median(0);
    context.Record("ms_per_step", 0, ms);
    context.Record("ref_ms_per_step", 0, 1e3 * times.Median(1));
    context.Record("x_vs_topk", 0, times.Speedup(1, 0));
    context.Record("experts_per_token", 0, ExpertsPerToken(routed.model));
    context.Record("tokens_per_s", 0, double(N * L) / ms * 1e3);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RoutingStepTime, "routing_step_time",
                              "wall time of a training step per router on the routing "
                              "comparisons' MoE transformer, against top-k softmax in the same "
                              "cell (measured)")

}  // namespace expertlab::experiments
