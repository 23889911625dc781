// offload_quant: quality vs memory of a trained MoE model whose experts
// are stored quantised (algorithms/offload/quantize.h), the settings an
// offloading engine would read from disk. The model is the character-level
// MoE transformer of charlm_model.h (trained once per replicate and shared
// by every cell of it); a cell stores each block's experts in its format
// and scores held-out bits per character.
//
// Formats: fp32; int8, int4 or int2 for every expert (symmetric, one
// scale per `group` weights); mixed, EdgeMoE's per-expert bit widths (Yi
// et al., "EdgeMoE: Empowering Sparse Large Language Models on Mobile
// Devices", IEEE TMC 2025, §III-B) over an adjacent pair of widths, `low`
// and the next wider (int2 and int4, or int4 and int8): each expert's
// sensitivity is the rise in loss when it alone drops to the low width
// while every other expert stays high, measured on calibration windows of
// the training split; the low_fraction least sensitive experts go low
// (order = sensitivity), or as many chosen at random (order = random, the
// control: sensitivity ordering must buy quality at equal memory).
//
// Rows (step = steps): val_bpc; delta_bpc (minus the fp32 model's, same
// replicate); expert_bytes (codes + scales of every expert); memory_ratio
// (expert_bytes over fp32's); bits_per_weight; low_experts (mixed: experts
// at the low width); theory.fp32_bpc.
#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "algorithms/offload/quantized_expert.h"
#include "experiments/charlm_model.h"
#include "experiments/once_per_process.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::experiments {
namespace {

using offload::WeightFormat;

constexpr uint64_t kQuantRouterStream = 3;  // data stream: training is shared by the cells
constexpr uint64_t kQuantFingerprintStream = 4;
constexpr uint64_t kQuantCalibrationStream = 5;
constexpr uint64_t kQuantOrderStream = 1;  // cell stream: the random order

// A trained model's parameters and its fp32 score.
struct QuantTrained {
  std::vector<std::vector<float>> params;
  double fp32_bpc = 0;
  bool diverged = false;
};

// Writes `trained`'s parameters into lm's model.
void RestoreParams(const QuantTrained& trained, CharLm& lm) {
  const auto refs = lm.model->Params();
  for (size_t i = 0; i < refs.size(); ++i)
    std::copy(trained.params[i].begin(), trained.params[i].end(), refs[i].value);
  lm.model->ParamsChanged();
}

// Stores expert (block b, expert e) in `formats[b * E + e]`; returns the
// bytes of every expert.
int64_t StoreExperts(CharLm& lm, const std::vector<WeightFormat>& formats, int group) {
  const int64_t E = lm.model->config().moe.experts;
  int64_t bytes = 0;
  for (int64_t b = 0; b < lm.model->blocks(); ++b)
    for (int64_t e = 0; e < E; ++e)
      bytes += offload::RoundTripExpert(lm.model->layer(b).mutable_weights(), e,
                                        formats[static_cast<size_t>(b * E + e)], group);
  lm.model->ParamsChanged();
  return bytes;
}

// The next wider format than `low` (int2 -> int4 -> int8).
WeightFormat WiderFormat(WeightFormat low) {
  return low == WeightFormat::kInt2 ? WeightFormat::kInt4 : WeightFormat::kInt8;
}

// EdgeMoE step 2: the loss on calibration windows (drawn from the
// training split, so that the choice never sees the held-out windows it
// is scored on) with expert i ([block * E + expert]) alone at `low`, the
// others one width up, minus the loss with every expert one width up.
std::vector<double> Sensitivities(const QuantTrained& trained, CharLm& lm, int group,
                                  WeightFormat low, Rng rng) {
  const size_t n = static_cast<size_t>(lm.model->blocks() * lm.model->config().moe.experts);
  std::vector<int32_t> tokens, targets;
  lm.corpus->SampleWindows(rng, lm.val_windows, lm.model->config().context, &tokens, &targets);
  const auto loss = [&] { return lm.EvaluateOn(tokens, targets, lm.val_windows).bpc; };
  std::vector<WeightFormat> formats(n, WiderFormat(low));
  RestoreParams(trained, lm);
  StoreExperts(lm, formats, group);
  const double base = loss();
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i) {
    formats[i] = low;
    RestoreParams(trained, lm);
    StoreExperts(lm, formats, group);
    out[i] = loss() - base;
    formats[i] = WiderFormat(low);
  }
  return out;
}

// The cell's model, trained once per process for its training keys and
// replicate (OncePerProcess); *lm receives a model of the cell's shape to
// load the parameters into.
std::shared_ptr<const QuantTrained> SharedTraining(const Params& p, CellContext& context,
                                                   std::unique_ptr<CharLm>* lm) {
  std::string key = std::to_string(context.DataStream(kQuantFingerprintStream).NextU64());
  for (const ParamSpec& spec : CharLmParameters())
    key += "|" + spec.name + "=" + FormatValue(p.Get(spec.name));
  *lm = MakeCharLm(p, context, context.DataStream(kQuantRouterStream));
  return OncePerProcess<QuantTrained>(key, [&] {
    TrainCharLm(**lm, p, context);
    auto trained = std::make_shared<QuantTrained>();
    trained->diverged = (*lm)->diverged;
    for (const auto& ref : (*lm)->model->Params())
      trained->params.emplace_back(ref.value, ref.value + ref.size);
    if (!trained->diverged) trained->fp32_bpc = (*lm)->Evaluate().bpc;
    return std::shared_ptr<const QuantTrained>(trained);
  });
}

class OffloadQuant final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    std::vector<ParamSpec> keys = CharLmParameters();
    keys.push_back(ParamSpec::Choice("format", "int8", {"fp32", "int8", "int4", "int2", "mixed"},
                                     "expert storage: one format for all, or EdgeMoE's mixed "
                                     "widths"));
    keys.push_back(ParamSpec::Int("group", 32, Bounds::Closed(2, 1 << 16),
                                  "weights per scale (divides d_model and d_ff; a multiple of 4)"));
    keys.push_back(ParamSpec::Choice("low", "int2", {"int2", "int4"},
                                     "mixed: the low width (the high one is the next wider)"));
    keys.push_back(ParamSpec::Double("low_fraction", 0.5, Bounds::Closed(0, 1),
                                     "mixed: fraction of the experts stored at the low width"));
    keys.push_back(ParamSpec::Choice("order", "sensitivity", {"sensitivity", "random"},
                                     "mixed: least sensitive experts go low first, or random"));
    return keys;
  }

  std::vector<std::string> DataKeys() const override { return CharLmDataKeys(); }

  void CheckCell(const Params& p) const override {
    CheckCharLmCell(p);
    const int64_t group = p.Int("group");
    EXPERTLAB_CHECK(group % 4 == 0 && p.Int("d_model") % group == 0 && p.Int("d_ff") % group == 0)
        << "group: expected a multiple of 4 dividing d_model = " << p.Int("d_model")
        << " and d_ff = " << p.Int("d_ff") << ", got " << group;
  }

  void RunCell(const Params& p, CellContext& context) const override {
    CheckCell(p);
    std::unique_ptr<CharLm> lm;
    const auto trained = SharedTraining(p, context, &lm);
    const int64_t steps = p.Int("steps");
    context.Record("diverged", steps, trained->diverged ? 1.0 : 0.0);
    if (trained->diverged) return;
    const int group = static_cast<int>(p.Int("group"));
    const size_t n = static_cast<size_t>(lm->model->blocks() * lm->model->config().moe.experts);
    const std::string format = p.String("format");
    const WeightFormat low_format = offload::ParseWeightFormat(p.String("low"), "low");
    std::vector<WeightFormat> formats(
        n, format == "mixed" ? WiderFormat(low_format) : offload::ParseWeightFormat(format));
    size_t low = 0;
    if (format == "mixed") {
      low = static_cast<size_t>(std::lround(p.Double("low_fraction") * double(n)));
      std::vector<size_t> order(n);
      std::iota(order.begin(), order.end(), size_t{0});
      if (p.String("order") == "sensitivity") {
        const std::vector<double> sensitivity = Sensitivities(
            *trained, *lm, group, low_format, context.DataStream(kQuantCalibrationStream));
        std::stable_sort(order.begin(), order.end(),
                         [&](size_t a, size_t b) { return sensitivity[a] < sensitivity[b]; });
      } else {
        Rng rng = context.Stream(kQuantOrderStream);
        Shuffle(rng, order);
      }
      for (size_t i = 0; i < low; ++i) formats[order[i]] = low_format;
    }
    RestoreParams(*trained, *lm);
    const int64_t bytes = StoreExperts(*lm, formats, group);
    const CharLmEvaluation eval = lm->Evaluate();
    const moe::SequenceConfig& c = lm->model->config();
    const double weights =
        double(c.blocks * c.moe.experts) * 3.0 * double(c.d_model * c.moe.d_ff);
    context.Record("val_bpc", steps, eval.bpc);
    context.Record("delta_bpc", steps, eval.bpc - trained->fp32_bpc);
    context.Record("expert_bytes", steps, double(bytes));
    context.Record("memory_ratio", steps, double(bytes) / (4.0 * weights));
    context.Record("bits_per_weight", steps, 8.0 * double(bytes) / weights);
    context.Record("low_experts", steps, double(low));
    context.Record("theory.fp32_bpc", steps, trained->fp32_bpc);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(OffloadQuant, "offload_quant",
                              "quality vs memory of a trained MoE LM with its experts stored "
                              "in fp32, int8, int4, int2 or EdgeMoE's sensitivity-ranked mixed "
                              "widths")

}  // namespace expertlab::experiments
