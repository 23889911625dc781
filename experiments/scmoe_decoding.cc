// scmoe_decoding: self-contrast decoding of an MoE model (SCMoE; Shi et
// al., NeurIPS 2024; algorithms/moe/self_contrast.h). One MoE transformer
// per replicate (charlm_model.h) trains with top-2 renormalised routing on
// generated algorithmic problems (copy, reverse, sort, increment), then
// decodes the held-out answers greedily (teacher forced, which for exact
// match of whole answers equals free-running greedy decoding: an answer
// is right iff every character's argmax given the right prefix is):
//   top<k>           the trained weights run with k experts per token
//                    (top-k renormalised; k = 2 is greedy decoding,
//                    k = E the dense ensemble of all experts)
//   rank<r>          only each token's r-th expert (the weak activation)
//   scmoe.r<r>.b<b>  argmax of (1 + b) z_top2 - b z_rank<r> over the
//                    tokens within a factor alpha of the top-2 pass's best
//                    (b in the paper's search grid 0.1, 0.3, ..., 0.9)
// Rows at `steps`, for each decoding m above:
//   exact_match.<m>      share of held-out answers entirely right
//   answer_accuracy.<m>  share of answer characters right
// and diverged (1 if training diverged; the other rows are then absent).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "algorithms/moe/self_contrast.h"
#include "experiments/charlm_model.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/registry.h"

namespace expertlab::experiments {
namespace {

using moe::SequenceBatch;
using moe::SequenceModel;

constexpr double kBetas[] = {0.1, 0.3, 0.5, 0.7, 0.9};
constexpr int64_t kWeakRanks[] = {2, 3};

// A copy of `trained` that routes with `router` and k experts per token.
std::unique_ptr<SequenceModel<float>> CopyWithRouter(SequenceModel<float>& trained,
                                                     const std::string& router, int64_t k) {
  moe::SequenceConfig config = trained.config();
  config.router = router;
  config.moe.top_k = k;
  Rng unused(0, 0, 0, 0);
  auto copy = std::make_unique<SequenceModel<float>>(config, unused);
  auto from = trained.Params(), to = copy->Params();
  for (size_t i = 0; i < from.size(); ++i) std::copy_n(from[i].value, from[i].size, to[i].value);
  copy->ParamsChanged();
  return copy;
}

// Exact match of the held-out answers decoded by `strong` alone (weak =
// null) or by its self-contrast with `weak`.
moe::ExactMatch Decode(CharLm& lm, SequenceModel<float>& strong, SequenceModel<float>* weak,
                       double alpha, double beta) {
  const int64_t length = strong.config().context, V = lm.corpus->vocab();
  std::string text, next, predicted;
  std::vector<float> strong_logits, contrast(V);
  for (int64_t w = 0; w < lm.val_windows; w += lm.eval_batch) {
    const int64_t n = std::min(lm.eval_batch, lm.val_windows - w);
    const SequenceBatch b{n, length, lm.val_tokens.data() + w * length,
                          lm.val_targets.data() + w * length};
    strong_logits = strong.Forward(b, false, nullptr);
    const std::vector<float>* weak_logits = weak ? &weak->Forward(b, false, nullptr) : nullptr;
    for (int64_t i = 0; i < b.positions(); ++i) {
      const float* row = strong_logits.data() + i * V;
      if (weak_logits) {
        moe::SelfContrastLogits(row, weak_logits->data() + i * V, V, alpha, beta, contrast.data());
        row = contrast.data();
      }
      predicted += lm.corpus->alphabet()[std::max_element(row, row + V) - row];
      text += lm.corpus->alphabet()[b.tokens[i]];
      next += lm.corpus->alphabet()[b.targets[i]];
    }
  }
  return moe::ScoreAlgorithmic(text, next, predicted, length);
}

void RecordDecoding(const std::string& name, const moe::ExactMatch& x, int64_t steps,
                    CellContext& context) {
  context.Record("exact_match." + name, steps,
                 x.lines > 0 ? double(x.lines_correct) / double(x.lines) : 0.0);
  context.Record("answer_accuracy." + name, steps,
                 x.answer_chars > 0 ? double(x.answer_correct) / double(x.answer_chars) : 0.0);
}

std::string BetaName(double beta) {
  char text[16];
  std::snprintf(text, sizeof text, "%g", beta);
  return text;
}

class ScmoeDecoding final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    std::vector<ParamSpec> keys = CharLmParameters();
    keys.push_back(ParamSpec::Double("alpha", 0.1, Bounds{0.0, 1.0, true, false},
                                     "plausibility cut: tokens within this factor of the "
                                     "strong pass's most probable"));
    return keys;
  }
  std::vector<std::string> DataKeys() const override { return CharLmDataKeys(); }

  void CheckCell(const Params& p) const override {
    CheckCharLmCell(p);
    EXPERTLAB_CHECK(p.String("task") == "algorithmic")
        << "task: scmoe_decoding scores exact match, so it needs task = algorithmic";
    EXPERTLAB_CHECK(p.Int("k") == 2)
        << "k: SCMoE's strong activation is the model's top-2, so k must be 2, got " << p.Int("k");
    EXPERTLAB_CHECK(p.Int("E") >= 3) << "E: the weak ranks 2 and 3 need E >= 3, got " << p.Int("E");
  }

  void RunCell(const Params& p, CellContext& context) const override {
    const int64_t steps = p.Int("steps"), E = p.Int("E");
    const auto lm = MakeCharLm(p, context, context.Stream(0));
    TrainCharLm(*lm, p, context, {}, /*resumable=*/true);
    context.Record("diverged", steps, lm->diverged ? 1.0 : 0.0);
    if (lm->diverged) return;
    const std::string topk = "topk_softmax(renormalize=true)";
    std::vector<int64_t> ks = {1, 2, 3};
    if (E > 3) ks.push_back(E);
    for (int64_t k : ks) {
      const auto model = CopyWithRouter(*lm->model, topk, k);
      RecordDecoding("top" + std::to_string(k), Decode(*lm, *model, nullptr, 0, 0), steps, context);
    }
    const auto strong = CopyWithRouter(*lm->model, topk, 2);
    for (int64_t r : kWeakRanks) {
      const auto weak =
          CopyWithRouter(*lm->model, "ranked_expert(rank=" + std::to_string(r) + ")", 2);
      RecordDecoding("rank" + std::to_string(r), Decode(*lm, *weak, nullptr, 0, 0), steps, context);
      for (double beta : kBetas)
        RecordDecoding("scmoe.r" + std::to_string(r) + ".b" + BetaName(beta),
                       Decode(*lm, *strong, weak.get(), p.Double("alpha"), beta), steps, context);
    }
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(ScmoeDecoding, "scmoe_decoding",
                              "SCMoE: self-contrast of the top-2 and the rank-r expert's logits "
                              "against greedy decoding with 1, 2, 3 or all experts, exact match "
                              "on algorithmic problems")

}  // namespace expertlab::experiments
