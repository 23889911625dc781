// routing_charlm: routers compared on a real character-level language
// model: a small MoE transformer (algorithms/moe/train/sequence_model.h:
// causal attention + an MoE FFN per block) trained with AdamW on next-
// character prediction over text Debian ships (by default the licence
// texts of base-files, /usr/share/common-licenses), scored in bits per
// character on a held-out split beside the training split's unigram
// entropy (what knowing character frequencies alone buys).
//
// Random streams (common random numbers): the training windows and the
// model's initial weights come from CellContext::DataStream, keyed by the
// corpus and model-shape keys and the replicate only, so every router of
// one replicate trains the same initial model on the same windows in the
// same order; a stochastic router draws from the cell's stream 0. Expert
// choice picks tokens over the whole batch, so its routing of a position
// depends on later positions (not causal; routing pitfalls); its numbers
// are a training comparison, not a deployable decoder's.
//
// Rows, at log-spaced steps (per_octave a doubling) and at `steps`:
//   val_bpc             mean -log2 p(next char) over the held-out windows
//                       (non-overlapping windows of `context` characters)
//   load_entropy        H(f)/log E of the validation routing, mean over blocks
//   dead_experts        experts with f_e < 0.1/E, summed over blocks
//   experts_per_token   kept routed experts per position, mean over blocks
// and at `steps` only:
//   train_bpc           mean training loss of the last tenth of the steps,
//                       in bits
//   theory.unigram_bpc  unigram entropy of the training split (bits/char)
//   diverged            1 if a training loss was not finite (training stops;
//                       the final rows other than these are absent)
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "algorithms/moe/train/adamw.h"
#include "algorithms/moe/train/char_corpus.h"
#include "algorithms/moe/train/routing_metrics.h"
#include "algorithms/moe/train/sequence_model.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/registry.h"

namespace expertlab::experiments {
namespace {

using namespace expertlab::moe;

constexpr uint64_t kCharLmTrainStream = 1;
constexpr uint64_t kCharLmInitStream = 2;
constexpr uint64_t kCharLmRouterStream = 0;

CharCorpusSpec CharLmCorpusSpec(const Params& p) {
  CharCorpusSpec spec;
  spec.path = p.String("corpus");
  return spec;
}

SequenceConfig CharLmModelSpec(const Params& p, int64_t vocab, int threads) {
  SequenceConfig c;
  c.vocab = vocab;
  c.context = p.Int("context");
  c.d_model = p.Int("d_model");
  c.heads = p.Int("heads");
  c.blocks = p.Int("blocks");
  c.moe.d_ff = p.Int("d_ff");
  c.moe.experts = p.Int("E");
  c.moe.top_k = p.Int("k");
  c.moe.capacity_factor = p.Double("capacity_factor");
  c.router = p.String("router");
  c.aux = {p.Double("balance"), p.Double("z")};
  c.threads = threads;
  return c;
}

struct CharLmEvaluation {
  double bpc = 0;
  double load_entropy = 0;
  double dead_experts = 0;
  double experts_per_token = 0;
};

// Bits per character over the validation windows, in batches of `batch`
// windows; routing statistics pooled over every batch.
CharLmEvaluation EvaluateCharLm(SequenceModel<float>& model, const std::vector<int32_t>& tokens,
                                const std::vector<int32_t>& targets, int64_t windows,
                                int64_t length, int64_t batch, Rng* rng) {
  const int64_t B = model.blocks(), E = model.config().moe.experts;
  std::vector<std::vector<double>> load(B, std::vector<double>(E, 0.0));
  std::vector<double> kept(B, 0.0);
  double nats = 0;
  for (int64_t w = 0; w < windows; w += batch) {
    const int64_t n = std::min(batch, windows - w);
    const SequenceBatch b{n, length, tokens.data() + w * length, targets.data() + w * length};
    model.Forward(b, false, rng);
    nats += model.Loss(b) * double(b.positions());
    for (int64_t l = 0; l < B; ++l) {
      const MoeStats& s = model.state(l).stats;
      for (int64_t e = 0; e < E; ++e) {
        load[l][e] += double(s.load[e]);
        kept[l] += double(s.kept[e]);
      }
    }
  }
  const double positions = double(windows * length);
  CharLmEvaluation out;
  out.bpc = nats / positions / std::log(2.0);
  for (int64_t l = 0; l < B; ++l) {
    out.load_entropy += NormalizedLoadEntropy(load[l]) / double(B);
    out.experts_per_token += kept[l] / positions / double(B);
    double total = 0;
    for (double v : load[l]) total += v;
    for (double v : load[l])
      if (v < 0.1 / double(E) * total) out.dead_experts += 1;
  }
  return out;
}

void RecordCharLmCurve(const CharLmEvaluation& e, int64_t step, CellContext& context) {
  context.Record("val_bpc", step, e.bpc);
  context.Record("load_entropy", step, e.load_entropy);
  context.Record("dead_experts", step, e.dead_experts);
  context.Record("experts_per_token", step, e.experts_per_token);
}

class RoutingCharLm final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        SpecParam<Router>("router", "topk_softmax", "router spec, e.g. noisy_topk(noise=1)"),
        ParamSpec::Text("corpus", "/usr/share/common-licenses",
                        "text file, or directory of text files, to model (package base-files "
                        "ships the default)"),
        ParamSpec::Int("context", 32, Bounds::Closed(1, 4096), "characters per window"),
        ParamSpec::Int("d_model", 64, Bounds::Closed(1, 4096), "model width"),
        ParamSpec::Int("heads", 4, Bounds::Closed(1, 256), "attention heads (divide d_model)"),
        ParamSpec::Int("blocks", 2, Bounds::Closed(1, 64), "transformer blocks"),
        ParamSpec::Int("d_ff", 64, Bounds::Closed(1, 16384), "expert hidden width (SwiGLU)"),
        ParamSpec::Int("E", 8, Bounds::Closed(1, 1024), "routed experts per block"),
        ParamSpec::Int("k", 2, Bounds::Closed(1, 1024), "the layer's k (experts per token)"),
        ParamSpec::Double("capacity_factor", 0.0, Bounds::AtLeast(0),
                          "0 = dropless; else C = ceil(cf T k / E)"),
        ParamSpec::Double("balance", 0.01, Bounds::AtLeast(0), "load-balance loss weight"),
        ParamSpec::Double("z", 0.001, Bounds::AtLeast(0), "router z-loss weight"),
        ParamSpec::Int("steps", 300, Bounds::Closed(1, 1 << 24), "AdamW steps"),
        ParamSpec::Int("batch", 16, Bounds::Closed(1, 1 << 16), "windows per step"),
        ParamSpec::Double("lr", 3e-3, Bounds::Positive(), "AdamW learning rate"),
        ParamSpec::Int("val_windows", 128, Bounds::Closed(0, 1 << 22),
                       "held-out windows scored (0 = the whole held-out split)"),
        ParamSpec::Int("per_octave", 2, Bounds::Closed(1, 64),
                       "curve points per doubling of steps"),
    };
  }

  std::vector<std::string> DataKeys() const override {
    return {"corpus", "context", "d_model", "heads", "blocks", "d_ff", "E", "batch"};
  }

  void CheckCell(const Params& p) const override {
    CharLmCorpusSpec(p).Validate();
    const SequenceConfig c = CharLmModelSpec(p, 2, 1);
    EXPERTLAB_CHECK(c.d_model % c.heads == 0)
        << "heads: must divide d_model = " << c.d_model << ", got " << c.heads;
    EXPERTLAB_CHECK(c.moe.top_k <= c.moe.experts)
        << "k: must be <= E = " << c.moe.experts << ", got " << c.moe.top_k;
    c.Validate();
  }

  void RunCell(const Params& p, CellContext& context) const override {
    CheckCell(p);
    const CharCorpus corpus(CharLmCorpusSpec(p));
    const int64_t steps = p.Int("steps"), batch = p.Int("batch"), L = p.Int("context");
    std::vector<int32_t> val_tokens, val_targets;
    const int64_t windows =
        corpus.ValidationWindows(L, p.Int("val_windows"), &val_tokens, &val_targets);
    Rng init_rng = context.DataStream(kCharLmInitStream);
    SequenceModel<float> model(CharLmModelSpec(p, corpus.vocab(), context.threads()), init_rng);
    AdamWConfig opt_config;
    opt_config.lr = p.Double("lr");
    AdamW<float> opt(opt_config);
    Rng train_rng = context.DataStream(kCharLmTrainStream);
    Rng router_rng = context.Stream(kCharLmRouterStream);
    const std::vector<int64_t> checkpoints =
        LogCheckpoints(steps, static_cast<int>(p.Int("per_octave")));
    const int64_t tail_from = steps - std::max<int64_t>(1, steps / 10) + 1;
    double tail_nats = 0;
    int64_t tail_steps = 0;
    size_t next = 0;
    bool diverged = false;
    std::vector<int32_t> tokens, targets;
    for (int64_t step = 1; step <= steps; ++step) {
      corpus.SampleWindows(train_rng, batch, L, &tokens, &targets);
      const StepResult r =
          model.ComputeGradients({batch, L, tokens.data(), targets.data()}, &router_rng);
      if (!std::isfinite(r.loss + r.aux_loss) || !std::isfinite(r.grad_norm)) {
        diverged = true;
        break;
      }
      opt.Step(model.Params());
      model.ParamsChanged();
      if (step >= tail_from) {
        tail_nats += r.loss;
        ++tail_steps;
      }
      if (next < checkpoints.size() && checkpoints[next] == step) {
        ++next;
        RecordCharLmCurve(
            EvaluateCharLm(model, val_tokens, val_targets, windows, L, batch, &router_rng), step,
            context);
      }
    }
    context.Record("diverged", steps, diverged ? 1.0 : 0.0);
    context.Record("theory.unigram_bpc", steps, corpus.UnigramBits());
    if (diverged) return;
    context.Record("train_bpc", steps, tail_nats / double(tail_steps) / std::log(2.0));
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RoutingCharLm, "routing_charlm",
                              "routers training one MoE transformer on a character-level LM "
                              "(Debian's licence texts): held-out bits per character vs the "
                              "unigram entropy, load balance, dead experts")

}  // namespace expertlab::experiments
