// routing_charlm: routers compared on a real character-level language
// model (charlm_model.h: a small MoE transformer trained on Debian's
// licence texts), scored in bits per character on a held-out split beside
// the training split's unigram entropy (what knowing character
// frequencies alone buys). Every router of one replicate trains the same
// initial model on the same windows (common random numbers); a
// stochastic router draws from the cell's stream 0. Expert
// choice picks tokens over the whole batch, so its routing of a position
// depends on later positions (not causal; routing pitfalls); its numbers
// are a training comparison, not a deployable decoder's.
//
// Cells resume after a kill or a stop from their last checkpoint
// (TrainCharLm's resumable mode), with the rows of an uninterrupted run.
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
// and with task=algorithmic (generated copy / reverse / sort / increment
// problems, moe/train/algorithmic_text.h), at the curve's steps:
//   answer_accuracy     argmax accuracy on answer characters whose line
//                       starts inside the window (teacher forced)
//   exact_match         share of such lines answered entirely right
// and at `steps`:
//   theory.entropy_rate_bpc   the generator's entropy rate, the least
//                       reachable held-out bits per character
//   diverged            1 if a training loss was not finite (training stops;
//                       the final rows other than these are absent)
#include <algorithm>
#include <string>
#include <vector>

#include "experiments/charlm_model.h"
#include "sim/experiment.h"
#include "sim/registry.h"

namespace expertlab::experiments {
namespace {

void RecordCharLmCurve(const CharLm& lm, const CharLmEvaluation& e, int64_t step,
                       CellContext& context) {
  context.Record("val_bpc", step, e.bpc);
  context.Record("load_entropy", step, e.load_entropy);
  context.Record("dead_experts", step, e.dead_experts);
  context.Record("experts_per_token", step, e.experts_per_token);
  if (!lm.algorithmic) return;
  const moe::ExactMatch& x = e.exact;
  context.Record("answer_accuracy", step,
                 x.answer_chars > 0 ? double(x.answer_correct) / double(x.answer_chars) : 0.0);
  context.Record("exact_match", step,
                 x.lines > 0 ? double(x.lines_correct) / double(x.lines) : 0.0);
}

class RoutingCharLm final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    std::vector<ParamSpec> keys = CharLmParameters();
    keys.push_back(ParamSpec::Int("per_octave", 2, Bounds::Closed(1, 64),
                                  "curve points per doubling of steps"));
    return keys;
  }

  std::vector<std::string> DataKeys() const override { return CharLmDataKeys(); }

  void CheckCell(const Params& p) const override { CheckCharLmCell(p); }

  void RunCell(const Params& p, CellContext& context) const override {
    const int64_t steps = p.Int("steps");
    const std::vector<int64_t> curve =
        LogCheckpoints(steps, static_cast<int>(p.Int("per_octave")));
    const auto lm = MakeCharLm(p, context, context.Stream(0));
    const bool resumable = true;
    TrainCharLm(
        *lm, p, context,
        [&](int64_t step, CharLm& model) {
          if (std::binary_search(curve.begin(), curve.end(), step))
            RecordCharLmCurve(model, model.Evaluate(), step, context);
        },
        resumable);
    context.Record("diverged", steps, lm->diverged ? 1.0 : 0.0);
    context.Record("theory.unigram_bpc", steps, lm->corpus->UnigramBits());
    if (lm->algorithmic)
      context.Record("theory.entropy_rate_bpc", steps,
                     moe::AlgorithmicEntropyRate(CharLmAlgorithmicSpec(p, 1)));
    if (lm->diverged) return;
    context.Record("train_bpc", steps, lm->tail_train_bits);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(RoutingCharLm, "routing_charlm",
                              "routers training one MoE transformer on a character-level LM "
                              "(Debian's licence texts): held-out bits per character vs the "
                              "unigram entropy, load balance, dead experts")

}  // namespace expertlab::experiments
