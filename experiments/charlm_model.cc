#include "experiments/charlm_model.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "algorithms/moe/routers/mote.h"
#include "algorithms/moe/train/adamw.h"
#include "algorithms/moe/train/routing_metrics.h"
#include "algorithms/moe/train/training_state.h"
#include "experiments/moe_model_keys.h"
#include "experiments/training_checkpoints.h"
#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::experiments {
namespace {

using namespace expertlab::moe;

constexpr uint64_t kCharLmTrainStream = 1;
constexpr uint64_t kCharLmInitStream = 2;
constexpr uint64_t kCharLmTrainTextStream = 3;
constexpr uint64_t kCharLmValidationTextStream = 4;

CharCorpusSpec CharLmCorpusSpec(const Params& p) {
  CharCorpusSpec spec;
  spec.path = p.String("corpus");
  return spec;
}

// Problems of the generated texts (task=algorithmic): about 240 kB of
// training text, and a held-out text a tenth of that.
constexpr int64_t kAlgorithmicTrainLines = 20000;
constexpr int64_t kAlgorithmicValidationLines = 2000;

bool IsAlgorithmic(const Params& p) { return p.String("task") == "algorithmic"; }

std::unique_ptr<CharCorpus> MakeCorpus(const Params& p, CellContext& context) {
  if (!IsAlgorithmic(p)) return std::make_unique<CharCorpus>(CharLmCorpusSpec(p));
  Rng train = context.DataStream(kCharLmTrainTextStream);
  Rng validation = context.DataStream(kCharLmValidationTextStream);
  return std::make_unique<CharCorpus>(
      AlgorithmicText(CharLmAlgorithmicSpec(p, kAlgorithmicTrainLines), train),
      AlgorithmicText(CharLmAlgorithmicSpec(p, kAlgorithmicValidationLines), validation));
}

}  // namespace

std::vector<ParamSpec> CharLmModelParameters() {
  return {
      SpecParam<Router>("router", "topk_softmax", "router spec, e.g. noisy_topk(noise=1)"),
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
  };
}

std::vector<ParamSpec> CharLmParameters() {
  // The router first, the data keys, the rest of the model, then training:
  // the order of the keys is the grid's, which keys every cell's hash.
  const std::vector<ParamSpec> model = CharLmModelParameters();
  std::vector<ParamSpec> keys = {
      model.front(),
      ParamSpec::Choice("task", "text", {"text", "algorithmic"},
                        "model the corpus, or generated algorithmic problems (copy, reverse, "
                        "sort, increment)"),
      ParamSpec::Text("corpus", "/usr/share/common-licenses",
                      "text file, or directory of text files, to model (package base-files "
                      "ships the default; task=text)"),
      ParamSpec::Int("min_len", 2, Bounds::Closed(1, 32),
                     "shortest digit string (task=algorithmic)"),
      ParamSpec::Int("max_len", 6, Bounds::Closed(1, 32),
                     "longest digit string (task=algorithmic)"),
  };
  keys.insert(keys.end(), model.begin() + 1, model.end());
  const std::vector<ParamSpec> training = {
      ParamSpec::Int("steps", 300, Bounds::Closed(1, 1 << 24), "AdamW steps"),
      ParamSpec::Int("batch", 16, Bounds::Closed(1, 1 << 16), "windows per step"),
      ParamSpec::Double("lr", 3e-3, Bounds::Positive(), "AdamW learning rate"),
      ParamSpec::Int("val_windows", 128, Bounds::Closed(0, 1 << 22),
                     "held-out windows scored (0 = the whole held-out split)"),
  };
  keys.insert(keys.end(), training.begin(), training.end());
  return keys;
}

SequenceConfig CharLmModelConfig(const Params& p, int64_t vocab, int threads) {
  SequenceConfig c;
  ReadMoeModelKeys(p, &c);
  c.vocab = vocab;
  c.context = p.Int("context");
  c.heads = p.Int("heads");
  c.threads = threads;
  return c;
}

AlgorithmicTextSpec CharLmAlgorithmicSpec(const Params& p, int64_t lines) {
  AlgorithmicTextSpec spec;
  spec.lines = lines;
  spec.min_len = p.Int("min_len");
  spec.max_len = p.Int("max_len");
  return spec;
}

std::vector<std::string> CharLmDataKeys() {
  return {"corpus", "context", "d_model", "heads", "blocks", "d_ff", "E", "batch"};
}

void CheckCharLmCell(const Params& p) {
  if (IsAlgorithmic(p))
    CharLmAlgorithmicSpec(p, 1).Validate();
  else
    CharLmCorpusSpec(p).Validate();
  const SequenceConfig c = CharLmModelConfig(p, 2, 1);
  EXPERTLAB_CHECK(c.d_model % c.heads == 0)
      << "heads: must divide d_model = " << c.d_model << ", got " << c.heads;
  EXPERTLAB_CHECK(c.moe.top_k <= c.moe.experts)
      << "k: must be <= E = " << c.moe.experts << ", got " << c.moe.top_k;
  c.Validate();
}

void CheckAlgorithmicCharLmCell(const Params& p, const std::string& why) {
  CheckCharLmCell(p);
  EXPERTLAB_CHECK(IsAlgorithmic(p))
      << "task: " << why << ", so it needs task = algorithmic, got " << p.String("task");
}

// Batches of eval_batch windows; routing statistics pooled over them.
CharLmEvaluation CharLm::EvaluateOn(const std::vector<int32_t>& tokens,
                                    const std::vector<int32_t>& targets, int64_t windows) {
  const int64_t B = model->blocks(), E = model->config().moe.experts;
  const int64_t length = model->config().context;
  const int64_t batch = eval_batch;
  std::vector<std::vector<double>> load(B, std::vector<double>(E, 0.0));
  std::vector<double> kept(B, 0.0);
  double nats = 0;
  // task=algorithmic: the windows and the argmax predictions as characters.
  std::string text, next, predicted;
  const int64_t V = corpus->vocab();
  for (int64_t w = 0; w < windows; w += batch) {
    const int64_t n = std::min(batch, windows - w);
    const SequenceBatch b{n, length, tokens.data() + w * length, targets.data() + w * length};
    const std::vector<float>& logits = model->Forward(b, false, &router_rng);
    nats += model->Loss(b) * double(b.positions());
    if (algorithmic)
      for (int64_t i = 0; i < b.positions(); ++i) {
        const float* row = logits.data() + i * V;
        predicted += corpus->alphabet()[std::max_element(row, row + V) - row];
        text += corpus->alphabet()[tokens[w * length + i]];
        next += corpus->alphabet()[targets[w * length + i]];
      }
    for (int64_t l = 0; l < B; ++l) {
      const MoeStats& s = model->state(l).stats;
      for (int64_t e = 0; e < E; ++e) {
        load[l][e] += double(s.load[e]);
        kept[l] += double(s.kept[e]);
      }
    }
  }
  const double positions = double(windows * length);
  CharLmEvaluation out;
  out.bpc = nats / positions / std::log(2.0);
  if (algorithmic) out.exact = ScoreAlgorithmic(text, next, predicted, length);
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

std::unique_ptr<CharLm> MakeCharLm(const Params& p, CellContext& context, Rng router_rng) {
  CheckCharLmCell(p);
  auto lm = std::make_unique<CharLm>();
  lm->corpus = MakeCorpus(p, context);
  lm->algorithmic = IsAlgorithmic(p);
  lm->eval_batch = p.Int("batch");
  lm->val_windows = lm->corpus->ValidationWindows(p.Int("context"), p.Int("val_windows"),
                                                  &lm->val_tokens, &lm->val_targets);
  Rng init_rng = context.DataStream(kCharLmInitStream);
  lm->model = std::make_unique<SequenceModel<float>>(
      CharLmModelConfig(p, lm->corpus->vocab(), context.threads()), init_rng);
  lm->router_rng = router_rng;
  return lm;
}

namespace {

// One AdamW step of `model` on `batch` windows of lm's training text drawn
// from `data`; nullopt (no update) when the loss or gradient is not finite.
std::optional<StepResult> TrainStep(CharLm& lm, SequenceModel<float>& model, AdamW<float>& opt,
                                    int64_t batch, Rng& data) {
  const int64_t L = model.config().context;
  std::vector<int32_t> tokens, targets;
  lm.corpus->SampleWindows(data, batch, L, &tokens, &targets);
  const StepResult r =
      model.ComputeGradients({batch, L, tokens.data(), targets.data()}, &lm.router_rng);
  if (!std::isfinite(r.loss + r.aux_loss) || !std::isfinite(r.grad_norm)) return std::nullopt;
  opt.Step(model.Params());
  model.ParamsChanged();
  return r;
}

}  // namespace

void TrainCharLm(CharLm& lm, const Params& p, CellContext& context,
                 const std::function<void(int64_t, CharLm&)>& at_step, bool resumable) {
  const int64_t steps = p.Int("steps"), batch = p.Int("batch");
  AdamWConfig opt_config;
  opt_config.lr = p.Double("lr");
  AdamW<float> opt(opt_config);
  Rng train_rng = context.DataStream(kCharLmTrainStream);
  const int64_t tail_from = steps - std::max<int64_t>(1, steps / 10) + 1;
  double tail_nats = 0;
  int64_t tail_steps = 0;
  int64_t start = 0;
  const auto resumed = resumable ? context.Resume() : std::nullopt;
  if (resumed) {
    start = resumed->step;
    ByteReader state(resumed->state);
    RestoreTraining(state, *lm.model, opt);
    train_rng.Restore(state);
    lm.router_rng.Restore(state);
    tail_nats = state.Get<double>();
    tail_steps = state.Get<int64_t>();
  }
  TrainingCheckpoints saves(context);
  for (int64_t step = start + 1; step <= steps; ++step) {
    const std::optional<StepResult> r = TrainStep(lm, *lm.model, opt, batch, train_rng);
    if (!r) {
      lm.diverged = true;
      break;
    }
    if (step >= tail_from) {
      tail_nats += r->loss;
      ++tail_steps;
    }
    if (at_step) at_step(step, lm);
    if (resumable && step < steps)
      saves.MaybeSave(step, [&](ByteWriter& out) {
        SaveTraining(*lm.model, opt, out);
        train_rng.Save(out);
        lm.router_rng.Save(out);
        out.Put<double>(tail_nats);
        out.Put<int64_t>(tail_steps);
      });
  }
  if (tail_steps > 0) lm.tail_train_bits = tail_nats / double(tail_steps) / std::log(2.0);
}

std::unique_ptr<CharLm> TrainCharLmForProbes(const Params& p, CellContext& context) {
  auto lm = MakeCharLm(p, context, context.Stream(0));
  TrainCharLm(*lm, p, context, {}, /*resumable=*/true);
  context.Record("diverged", p.Int("steps"), lm->diverged ? 1.0 : 0.0);
  if (lm->diverged) return nullptr;
  return lm;
}

bool FineTuneCharLm(CharLm& lm, SequenceModel<float>& model, int64_t steps, int64_t batch,
                    double lr, Rng data,
                    const std::function<void(SequenceModel<float>&)>& after_step) {
  AdamWConfig opt_config;
  opt_config.lr = lr;
  AdamW<float> opt(opt_config);
  for (int64_t step = 1; step <= steps; ++step) {
    if (!TrainStep(lm, model, opt, batch, data)) return false;
    if (after_step) after_step(model);
  }
  return true;
}

std::unique_ptr<SequenceModel<float>> CopyCharLmWithRouter(SequenceModel<float>& trained,
                                                           const std::string& router, int64_t k) {
  SequenceConfig config = trained.config();
  config.router = router;
  config.moe.top_k = k;
  return CopySequenceModel(trained, config);
}

std::unique_ptr<SequenceModel<float>> CopySequenceModel(SequenceModel<float>& trained,
                                                        const SequenceConfig& config) {
  Rng unused(0, 0, 0, 0);
  auto copy = std::make_unique<SequenceModel<float>>(config, unused);
  auto from = trained.Params(), to = copy->Params();
  for (size_t i = 0; i < from.size(); ++i) std::copy_n(from[i].value, from[i].size, to[i].value);
  copy->ParamsChanged();
  return copy;
}

std::unique_ptr<SequenceModel<float>> CopyCharLmWithIntervention(
    SequenceModel<float>& trained, const std::string& mode,
    const std::vector<std::vector<int32_t>>& off, const std::vector<std::vector<int32_t>>& on) {
  auto copy = CopyCharLmWithRouter(trained, "mote(mode=" + mode + ")", trained.config().moe.top_k);
  const int64_t E = copy->config().moe.experts;
  for (int64_t l = 0; l < copy->blocks(); ++l) {
    auto* router = dynamic_cast<MoteRouter*>(&copy->layer(l).router());
    EXPERTLAB_CHECK(router != nullptr) << "mote: the copy's router is not mote";
    const auto lists = [&](const std::vector<std::vector<int32_t>>& v) {
      return l < static_cast<int64_t>(v.size()) ? v[l] : std::vector<int32_t>{};
    };
    router->SetIntervention(lists(off), lists(on), E);
  }
  return copy;
}

std::vector<ExactMatch> DecodeAnswers(
    CharLm& lm, const std::function<const std::vector<float>&(const SequenceBatch&)>& logits_of,
    const std::vector<std::string>& op_sets) {
  const int64_t length = lm.model->config().context, V = lm.corpus->vocab();
  std::string text, next, predicted;
  for (int64_t w = 0; w < lm.val_windows; w += lm.eval_batch) {
    const int64_t n = std::min(lm.eval_batch, lm.val_windows - w);
    const SequenceBatch b{n, length, lm.val_tokens.data() + w * length,
                          lm.val_targets.data() + w * length};
    const std::vector<float>& logits = logits_of(b);
    for (int64_t i = 0; i < b.positions(); ++i) {
      const float* row = logits.data() + i * V;
      predicted += lm.corpus->alphabet()[std::max_element(row, row + V) - row];
      text += lm.corpus->alphabet()[b.tokens[i]];
      next += lm.corpus->alphabet()[b.targets[i]];
    }
  }
  std::vector<ExactMatch> out;
  for (const std::string& ops : op_sets)
    out.push_back(ScoreAlgorithmic(text, next, predicted, length, ops));
  return out;
}

ExactMatch DecodeAnswersOf(CharLm& lm, SequenceModel<float>& model) {
  return DecodeAnswers(lm, [&](const SequenceBatch& b) -> const std::vector<float>& {
    return model.Forward(b, false, nullptr);
  })[0];
}

void RecordExactMatch(const std::string& name, const ExactMatch& x, int64_t step,
                      CellContext& context) {
  context.Record("exact_match." + name, step,
                 x.lines > 0 ? double(x.lines_correct) / double(x.lines) : 0.0);
  context.Record("answer_accuracy." + name, step,
                 x.answer_chars > 0 ? double(x.answer_correct) / double(x.answer_chars) : 0.0);
}

}  // namespace expertlab::experiments
