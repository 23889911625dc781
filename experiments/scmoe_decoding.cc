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

// Exact match of the held-out answers decoded by the self-contrast of
// `strong` with `weak`.
moe::ExactMatch DecodeContrast(CharLm& lm, SequenceModel<float>& strong, SequenceModel<float>& weak,
                               double alpha, double beta) {
  const int64_t V = lm.corpus->vocab();
  std::vector<float> contrast;
  return DecodeAnswers(lm, [&](const SequenceBatch& b) -> const std::vector<float>& {
    const std::vector<float>& z_strong = strong.Forward(b, false, nullptr);
    contrast.resize(z_strong.size());
    const std::vector<float>& z_weak = weak.Forward(b, false, nullptr);
    for (int64_t i = 0; i < b.positions(); ++i)
      moe::SelfContrastLogits(z_strong.data() + i * V, z_weak.data() + i * V, V, alpha, beta,
                              contrast.data() + i * V);
    return contrast;
  })[0];
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
    CheckAlgorithmicCharLmCell(p, "scmoe_decoding scores exact match");
    EXPERTLAB_CHECK(p.Int("k") == 2)
        << "k: SCMoE's strong activation is the model's top-2, so k must be 2, got " << p.Int("k");
    EXPERTLAB_CHECK(p.Int("E") >= 3) << "E: the weak ranks 2 and 3 need E >= 3, got " << p.Int("E");
  }

  void RunCell(const Params& p, CellContext& context) const override {
    const int64_t steps = p.Int("steps"), E = p.Int("E");
    const auto lm = TrainCharLmForProbes(p, context);
    if (!lm) return;
    const std::string topk = "topk_softmax(renormalize=true)";
    std::vector<int64_t> ks = {1, 2, 3};
    if (E > 3) ks.push_back(E);
    for (int64_t k : ks) {
      const auto model = CopyCharLmWithRouter(*lm->model, topk, k);
      RecordExactMatch("top" + std::to_string(k), DecodeAnswersOf(*lm, *model), steps, context);
    }
    const auto strong = CopyCharLmWithRouter(*lm->model, topk, 2);
    for (int64_t r : kWeakRanks) {
      const auto weak =
          CopyCharLmWithRouter(*lm->model, "ranked_expert(rank=" + std::to_string(r) + ")", 2);
      RecordExactMatch("rank" + std::to_string(r), DecodeAnswersOf(*lm, *weak), steps, context);
      for (double beta : kBetas)
        RecordExactMatch("scmoe.r" + std::to_string(r) + ".b" + BetaName(beta),
                         DecodeContrast(*lm, *strong, *weak, p.Double("alpha"), beta), steps,
                         context);
    }
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(ScmoeDecoding, "scmoe_decoding",
                              "SCMoE: self-contrast of the top-2 and the rank-r expert's logits "
                              "against greedy decoding with 1, 2, 3 or all experts, exact match "
                              "on algorithmic problems")

}  // namespace expertlab::experiments
