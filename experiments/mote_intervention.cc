// mote_intervention: MoTE's expert discovery and inference-time
// interventions (Dahlke et al., 2025; algorithms/moe/routers/mote.h) on a
// small MoE transformer (charlm_model.h) trained with top-2 renormalised
// routing on generated algorithmic problems. The "behaviour" is one op
// (reverse, 'r'); the control data are the other ops' problems.
//
// fTRI (functional token-resonance imaging): over the held-out text, each
// problem line's activation map counts, per (block, expert), the line's
// positions routed to it; the maps are averaged over the behaviour lines
// and over the control lines, and the (block, expert) pairs ranked by the
// difference. Interventions on the top m pairs (m = 1, 2, 4), the same
// weights otherwise:
//   off_drop.m<m>     switched off, the slot emptied and the rest
//                     renormalised (MoTE's default)
//   off_refill.m<m>   switched off, the next expert takes the slot
//   random_drop.m<m>  m random pairs (cell stream 1) switched off (drop),
//                     the mean over 8 draws
//   on.m<m>           the top m pairs forced on
// Rows at `steps`, for arm a in none and the interventions above:
//   exact_match.behaviour.<a>  share of held-out reverse answers right
//   exact_match.control.<a>    the same over the other ops
// and ftri.top_difference (the top pair's activation difference per line),
// diverged.
#include <algorithm>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "experiments/charlm_model.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/registry.h"

namespace expertlab::experiments {
namespace {

using moe::SequenceBatch;
using moe::SequenceModel;

constexpr char kBehaviourOps[] = "r";
constexpr char kControlOps[] = "cis";
constexpr int64_t kCounts[] = {1, 2, 4};
constexpr int64_t kRandomDraws = 8;

struct Pair {
  int64_t block = 0, expert = 0;
};

// (block, expert) pairs by decreasing fTRI difference: mean activations
// per behaviour line minus per control line. Returns the top difference.
double RankByActivation(CharLm& lm, std::vector<Pair>* ranked) {
  SequenceModel<float>& model = *lm.model;
  const int64_t B = model.blocks(), E = model.config().moe.experts;
  const int64_t length = model.config().context;
  std::vector<double> line(B * E), behaviour(B * E, 0.0), control(B * E, 0.0);
  double behaviour_lines = 0, control_lines = 0;
  for (int64_t w = 0; w < lm.val_windows; w += lm.eval_batch) {
    const int64_t n = std::min(lm.eval_batch, lm.val_windows - w);
    const SequenceBatch b{n, length, lm.val_tokens.data() + w * length,
                          lm.val_targets.data() + w * length};
    model.Forward(b, false, nullptr);
    for (int64_t s = 0; s < n; ++s) {
      char op = 0;  // the current line's op, once its start was seen
      bool op_next = false;
      std::fill(line.begin(), line.end(), 0.0);
      for (int64_t j = 0; j < length; ++j) {
        const int64_t pos = s * length + j;
        const char c = lm.corpus->alphabet()[b.tokens[pos]];
        if (c == '\n') {
          if (op != 0) {  // a whole line closes: add its map to its class
            const bool is_behaviour = std::string(kBehaviourOps).find(op) != std::string::npos;
            auto& sum = is_behaviour ? behaviour : control;
            for (int64_t i = 0; i < B * E; ++i) sum[i] += line[i];
            (is_behaviour ? behaviour_lines : control_lines) += 1;
          }
          std::fill(line.begin(), line.end(), 0.0);
          op = 0;
          op_next = true;
          continue;
        }
        if (op_next) {
          op = c;
          op_next = false;
        }
        if (op == 0) continue;
        for (int64_t l = 0; l < B; ++l) {
          const moe::MoeState<float>& st = model.state(l);
          for (int64_t slot = 0; slot < st.slots; ++slot) {
            const int32_t e = st.expert[pos * st.slots + slot];
            if (e >= 0 && e < E) line[l * E + e] += 1;
          }
        }
      }
    }
  }
  EXPERTLAB_CHECK(behaviour_lines > 0 && control_lines > 0)
      << "mote: the held-out text has no whole behaviour or control line";
  std::vector<double> diff(B * E);
  for (int64_t i = 0; i < B * E; ++i)
    diff[i] = behaviour[i] / behaviour_lines - control[i] / control_lines;
  std::vector<int64_t> order(B * E);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t c) { return diff[a] > diff[c]; });
  ranked->clear();
  for (int64_t i : order) ranked->push_back({i / E, i % E});
  return diff[order[0]];
}

// A copy of lm's model routed by `mote(mode=...)` with `pairs` switched
// off (or forced on).
std::unique_ptr<SequenceModel<float>> Intervened(CharLm& lm, const std::string& mode,
                                                 const std::vector<Pair>& pairs, bool force_on) {
  std::vector<std::vector<int32_t>> chosen(lm.model->blocks());
  for (const Pair& p : pairs) chosen[p.block].push_back(static_cast<int32_t>(p.expert));
  const std::vector<std::vector<int32_t>> none;
  return CopyCharLmWithIntervention(*lm.model, mode, force_on ? none : chosen,
                                    force_on ? chosen : none);
}

// Exact match of the behaviour and the control lines decoded by `model`.
std::pair<double, double> ExactMatchOf(CharLm& lm, SequenceModel<float>& model) {
  const auto logits = [&](const SequenceBatch& b) -> const std::vector<float>& {
    return model.Forward(b, false, nullptr);
  };
  const std::vector<moe::ExactMatch> x = DecodeAnswers(lm, logits, {kBehaviourOps, kControlOps});
  const auto share = [](const moe::ExactMatch& e) {
    return e.lines > 0 ? double(e.lines_correct) / double(e.lines) : 0.0;
  };
  return {share(x[0]), share(x[1])};
}

void RecordArm(const std::pair<double, double>& match, const std::string& arm, int64_t steps,
               CellContext& context) {
  context.Record("exact_match.behaviour." + arm, steps, match.first);
  context.Record("exact_match.control." + arm, steps, match.second);
}

class MoteIntervention final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override { return CharLmParameters(); }
  std::vector<std::string> DataKeys() const override { return CharLmDataKeys(); }

  void CheckCell(const Params& p) const override {
    CheckAlgorithmicCharLmCell(p, "mote_intervention's behaviour is an algorithmic op");
    EXPERTLAB_CHECK(ParseSpecString(p.String("router")).name == "mote")
        << "router: interventions need the mote router, got " << p.String("router");
  }

  void RunCell(const Params& p, CellContext& context) const override {
    const int64_t steps = p.Int("steps");
    const auto lm = TrainCharLmForProbes(p, context);
    if (!lm) return;
    std::vector<Pair> ranked;
    context.Record("ftri.top_difference", steps, RankByActivation(*lm, &ranked));
    RecordArm(ExactMatchOf(*lm, *lm->model), "none", steps, context);
    Rng pick = context.Stream(1);
    for (int64_t m : kCounts) {
      if (m > static_cast<int64_t>(ranked.size())) break;
      const std::vector<Pair> top(ranked.begin(), ranked.begin() + m);
      const std::string tag = ".m" + std::to_string(m);
      RecordArm(ExactMatchOf(*lm, *Intervened(*lm, "drop", top, false)), "off_drop" + tag, steps,
                context);
      RecordArm(ExactMatchOf(*lm, *Intervened(*lm, "refill", top, false)), "off_refill" + tag,
                steps, context);
      RecordArm(ExactMatchOf(*lm, *Intervened(*lm, "drop", top, true)), "on" + tag, steps, context);
      // m random pairs switched off, averaged over kRandomDraws draws.
      std::pair<double, double> random{0, 0};
      for (int64_t draw = 0; draw < kRandomDraws; ++draw) {
        std::vector<Pair> shuffled = ranked;
        for (int64_t i = 0; i < m; ++i)  // partial Fisher-Yates
          std::swap(shuffled[i], shuffled[i + static_cast<int64_t>(pick.UniformInt(
                                                  static_cast<uint64_t>(shuffled.size() - i)))]);
        shuffled.resize(m);
        const auto match = ExactMatchOf(*lm, *Intervened(*lm, "drop", shuffled, false));
        random.first += match.first / double(kRandomDraws);
        random.second += match.second / double(kRandomDraws);
      }
      RecordArm(random, "random_drop" + tag, steps, context);
    }
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(MoteIntervention, "mote_intervention",
                              "MoTE: experts found by activation differences (fTRI) switched "
                              "off or forced on at inference, against random experts, on an "
                              "algorithmic char-LM")

}  // namespace expertlab::experiments
