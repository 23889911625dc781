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
#include "experiments/charlm_model.h"
#include "sim/experiment.h"
#include "sim/timing.h"

namespace expertlab::experiments {
namespace {

using namespace expertlab::moe;

constexpr int64_t kStepTimeVocab = 96;

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
  // The char-LM's model keys (charlm_model.h), the batch and the rounds.
  std::vector<ParamSpec> Parameters() const override {
    std::vector<ParamSpec> keys = CharLmModelParameters();
    keys.push_back(ParamSpec::Int("batch", 32, Bounds::Closed(1, 4096), "sequences per step"));
    keys.push_back(
        ParamSpec::Int("rounds", 5, Bounds::Closed(1, 1000), "interleaved timed rounds"));
    return keys;
  }
  bool Measured() const override { return true; }
  bool Exclusive() const override { return true; }

  void CheckCell(const Params& p) const override {
    CharLmModelConfig(p, kStepTimeVocab, 1).Validate();
    EXPERTLAB_CHECK(p.Int("d_model") % p.Int("heads") == 0)
        << "heads: must divide d_model = " << p.Int("d_model") << ", got " << p.Int("heads");
  }

  void RunCell(const Params& p, CellContext& context) const override {
    CheckCell(p);
    const SequenceConfig config = CharLmModelConfig(p, kStepTimeVocab, context.threads());
    SequenceConfig reference_config = config;
    reference_config.router = "topk_softmax";
    reference_config.moe.gate_rank = 0;  // factorised gates are AoE's router's own
    TimedTraining routed(config, context.DataStream(0), context.Stream(1));
    TimedTraining reference(reference_config, context.DataStream(0), context.Stream(1));
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
