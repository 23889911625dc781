// seuf_unlearning: SEUF, unlearning one expert (Zhuang et al., ACL 2025;
// algorithms/moe/unlearn_one_expert.h), against unlearning the whole model
// and other localisations, on a synthetic key -> value table.
//
// The table: `topics` topics of `keys` keys each, every (topic, key) mapped
// to `value_digits` random digits (the cell's data stream). A fact is the
// sequence "<topic> <key> = v_1 ... v_n" of tokens, scored on the value
// digits only (the other targets are ignored); with vocabulary=topic each
// topic has its own key and digit tokens (a domain's vocabulary, which
// lets experts specialise by topic as the paper finds in LLMs), with
// vocabulary=shared all topics use one set. An MoE transformer
// (charlm_model.h's model keys; the context is the fact's length) learns
// the whole table by full-batch AdamW for `steps` steps, then every arm
// below unlearns topic `forget_topic` from a copy, `unlearn_steps` AdamW
// steps at `unlearn_lr` with no auxiliary losses. Forget batch: the
// topic's facts; retain batch (GDiff): the other topics' facts of the first
// half of the keys; utility: the other half (held out, as an LLM's utility
// is measured on other text than its retain set).
//   full_ga, full_gdiff  the whole model, gradient ascent / difference
// and, with `objective` (GA or GDiff):
//   routers              every block's router only
//   expert_only          the top-1 expert by affinity (Eq. 2) only
//   seuf_a<alpha>        the top-1 expert and its block's router, anchor
//                        weight alpha in {0, 1, 100} (SEUF is alpha = 1)
//   random_expert        a random expert (cell stream 1) other than the
//                        top-1, its router, alpha = 1
//   top3_block           the top 3 experts of the top-1's block, alpha = 1
//   top3_global          the top 3 across blocks, alpha = 1
// Rows, per arm a, at every `eval_every` unlearning steps (step 0: the
// memorised model):
//   forget_accuracy.<a>  value-digit accuracy on the forget topic (chance
//                        0.1)
//   retain_accuracy.<a>  the same on the held-out facts of other topics
// and at step `unlearn_steps`:
//   forgot.<a>           1 when forget accuracy reached forget_target
//   retain_at_forget.<a> retain accuracy at the first checkpoint that did
//                        (the paper keeps the best-balance checkpoint)
//   steps_to_forget.<a>  that checkpoint's step (never: unlearn_steps +
//                        eval_every, a censored value)
//   routing_overlap.<a>  share of the forget positions' routed experts
//                        (every block) still routed as before unlearning
//   target_kept.<a>      share of forget positions that route the top-1
//                        affinity expert in its block after unlearning
//   trained_share.<a>    share of the parameters the arm updates
// Rows at step 0: memorised (the base model's accuracy over the table) and
// affinity_share (the top-1 expert's share of its block's affinity: how
// concentrated the forget topic's routing is).
#include <algorithm>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "algorithms/moe/router.h"
#include "algorithms/moe/unlearn_one_expert.h"
#include "experiments/charlm_model.h"
#include "experiments/moe_model_keys.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/registry.h"

namespace expertlab::experiments {
namespace {

using moe::ExpertId;
using moe::ParamRef;
using moe::SequenceBatch;
using moe::SequenceModel;

constexpr uint64_t kFactTableStream = 1;
constexpr uint64_t kFactModelStream = 2;
constexpr int64_t kDigits = 10;

// Token ids: '=', the topics, then per vocabulary (one shared, or one per
// topic) its keys and digits.
struct FactTable {
  int64_t topics = 0, keys = 0, digits = 0;
  bool own_vocabulary = false;
  std::vector<int32_t> values;  // [topics x keys x digits]
  int64_t vocabularies() const { return own_vocabulary ? topics : 1; }
  int64_t vocab() const { return 1 + topics + vocabularies() * (keys + kDigits); }
  int64_t length() const { return digits + 2; }
  int32_t Equals() const { return 0; }
  int32_t Topic(int64_t t) const { return static_cast<int32_t>(1 + t); }
  int64_t Base(int64_t t) const { return 1 + topics + (own_vocabulary ? t : 0) * (keys + kDigits); }
  int32_t Key(int64_t t, int64_t key) const { return static_cast<int32_t>(Base(t) + key); }
  int32_t Digit(int64_t t, int32_t v) const { return static_cast<int32_t>(Base(t) + keys + v); }
};

// Windows of facts: tokens "<topic> <key> = v_1 .. v_{n-1}", targets
// "- - v_1 .. v_n" (ignored, ignored, then the digits).
struct FactBatch {
  std::vector<int32_t> tokens, targets;
  std::vector<int> kind;      // per sequence: a FactKind
  std::vector<char> counted;  // per position: its target is a digit
  SequenceBatch View(int64_t length) const {
    return {static_cast<int64_t>(kind.size()), length, tokens.data(), targets.data()};
  }
};

FactTable DrawFactTable(const Params& p, CellContext& context) {
  FactTable table{
      p.Int("topics"), p.Int("keys"), p.Int("value_digits"), p.String("vocabulary") == "topic", {}};
  Rng rng = context.DataStream(kFactTableStream);
  table.values.resize(table.topics * table.keys * table.digits);
  for (int32_t& v : table.values) v = static_cast<int32_t>(rng.UniformInt(kDigits));
  return table;
}

// The forget topic's facts; the other topics' facts of the first half of
// the keys (the retain batch); the rest (held out: the utility, as an
// LLM's utility is measured on other text than its retain set).
enum FactKind { kForgetFact = 0, kRetainFact = 1, kHeldOutFact = 2 };

// The facts whose kind is in `kinds`.
FactBatch FactsOf(const FactTable& table, int64_t forget_topic, const std::vector<int>& kinds) {
  FactBatch b;
  for (int64_t topic = 0; topic < table.topics; ++topic) {
    for (int64_t key = 0; key < table.keys; ++key) {
      const int kind = topic == forget_topic  ? kForgetFact
                       : 2 * key < table.keys ? kRetainFact
                                              : kHeldOutFact;
      if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) continue;
      const int32_t* v = table.values.data() + (topic * table.keys + key) * table.digits;
      b.tokens.push_back(table.Topic(topic));
      b.tokens.push_back(table.Key(topic, key));
      b.tokens.push_back(table.Equals());
      for (int64_t j = 0; j + 1 < table.digits; ++j) b.tokens.push_back(table.Digit(topic, v[j]));
      b.targets.push_back(moe::kIgnoredTarget);
      b.targets.push_back(moe::kIgnoredTarget);
      for (int64_t j = 0; j < table.digits; ++j) b.targets.push_back(table.Digit(topic, v[j]));
      b.counted.insert(b.counted.end(), {0, 0});
      b.counted.insert(b.counted.end(), table.digits, 1);
      b.kind.push_back(kind);
    }
  }
  return b;
}

moe::SequenceConfig FactModelConfig(const Params& p, const FactTable& table, int threads) {
  moe::SequenceConfig c;
  ReadMoeModelKeys(p, &c);
  c.vocab = table.vocab();
  c.context = table.length();
  c.heads = p.Int("heads");
  c.threads = threads;
  return c;
}

// Argmax accuracy on the digit targets of `facts`, per FactKind and over
// all; the routed experts of every position, per block, in `routes`
// ([blocks][T x slots]) when non-null.
struct FactAccuracy {
  double kind[3] = {0, 0, 0};
  double all = 0;
};
FactAccuracy Accuracy(SequenceModel<float>& model, const FactBatch& facts,
                      std::vector<std::vector<int32_t>>* routes = nullptr) {
  const int64_t L = model.config().context, V = model.config().vocab;
  const std::vector<float>& logits = model.Forward(facts.View(L), false);
  double right[3] = {0, 0, 0}, total[3] = {0, 0, 0};
  for (size_t t = 0; t < facts.targets.size(); ++t) {
    if (facts.targets[t] == moe::kIgnoredTarget) continue;
    const float* z = logits.data() + t * V;
    const int64_t guess = std::max_element(z, z + V) - z;
    const int kind = facts.kind[t / L];
    right[kind] += guess == facts.targets[t];
    total[kind] += 1;
  }
  if (routes) {
    routes->clear();
    for (int64_t l = 0; l < model.blocks(); ++l) routes->push_back(model.state(l).expert);
  }
  FactAccuracy out;
  for (int k = 0; k < 3; ++k) out.kind[k] = total[k] > 0 ? right[k] / total[k] : 0.0;
  out.all = (right[0] + right[1] + right[2]) / (total[0] + total[1] + total[2]);
  return out;
}

struct UnlearnArm {
  std::string name;
  bool whole_model = false, routers = false;
  int64_t experts = 0;  // by affinity (0: none)
  bool within_block = false, random = false;
  double alpha = 0;
  bool gdiff = false;
};

std::vector<UnlearnArm> UnlearnArms(bool gdiff) {
  return {{"full_ga", true, false, 0, false, false, 0, false},
          {"full_gdiff", true, false, 0, false, false, 0, true},
          {"routers", false, true, 0, false, false, 0, gdiff},
          {"expert_only", false, false, 1, false, false, 0, gdiff},
          {"seuf_a0", false, true, 1, false, false, 0, gdiff},
          {"seuf_a1", false, true, 1, false, false, 1, gdiff},
          {"seuf_a100", false, true, 1, false, false, 100, gdiff},
          {"random_expert", false, true, 1, false, true, 1, gdiff},
          {"top3_block", false, true, 3, true, false, 1, gdiff},
          {"top3_global", false, true, 3, false, false, 1, gdiff}};
}

// Eq. 2 affinities [block][expert] of the model on the forget facts.
std::vector<std::vector<double>> ForgetAffinity(SequenceModel<float>& model,
                                                const FactBatch& forget) {
  const int64_t L = model.config().context, E = model.config().moe.experts;
  const SequenceBatch b = forget.View(L);
  model.Forward(b, false);
  std::vector<std::vector<double>> affinity;
  for (int64_t l = 0; l < model.blocks(); ++l) {
    const moe::MoeState<float>& st = model.state(l);
    const auto g =
        moe::TopKGateScores(st.logits.data(), st.expert.data(), b.positions(), E, st.slots);
    affinity.push_back(moe::ExpertAffinity(g, b.sequences, L, E, forget.counted));
  }
  return affinity;
}

// One unlearning step of `arm` on `params`: the forget gradient negated
// (plus the anchor on each target block's router), plus with GDiff
// retain_weight times the retain gradient; then AdamW.
class Unlearner {
 public:
  Unlearner(SequenceModel<float>& model, const UnlearnArm& arm, std::vector<ExpertId> targets,
            double lr, double retain_weight)
      : model_(model),
        arm_(arm),
        targets_(std::move(targets)),
        params_(moe::UnlearnedParams(model, targets_, arm.routers, arm.whole_model)),
        retain_weight_(retain_weight),
        opt_(moe::AdamWConfig{lr, 0.9, 0.999, 1e-8, 0.0, 1.0}) {
    for (const auto& p : params_) forget_grad_.emplace_back(p.size);
  }

  const std::vector<ParamRef<float>>& params() const { return params_; }

  void Step(const FactBatch& forget, const FactBatch& retain) {
    const int64_t L = model_.config().context;
    model_.ComputeGradients(forget.View(L));
    for (const auto& p : params_)
      for (int64_t i = 0; i < p.size; ++i) p.grad[i] = -p.grad[i];
    if (arm_.alpha > 0) AddAnchor(forget);
    if (arm_.gdiff) {
      for (size_t b = 0; b < params_.size(); ++b)
        std::copy_n(params_[b].grad, params_[b].size, forget_grad_[b].begin());
      model_.ComputeGradients(retain.View(L));
      for (size_t b = 0; b < params_.size(); ++b)
        for (int64_t i = 0; i < params_[b].size; ++i)
          params_[b].grad[i] = float(retain_weight_) * params_[b].grad[i] + forget_grad_[b][i];
    }
    opt_.Step(params_);
    model_.ParamsChanged();
  }

 private:
  // The anchor of each block holding targets, on the last forward (the
  // forget batch), into that block's router gradient.
  void AddAnchor(const FactBatch& forget) {
    const int64_t E = model_.config().moe.experts, d = model_.config().d_model;
    for (int64_t l = 0; l < model_.blocks(); ++l) {
      std::vector<int32_t> in_block;
      for (const ExpertId& x : targets_)
        if (x.block == l) in_block.push_back(static_cast<int32_t>(x.expert));
      if (in_block.empty()) continue;
      const moe::MoeState<float>& st = model_.state(l);
      std::vector<double> dz(st.tokens * E, 0.0);
      moe::AnchorLoss(st.logits.data(), st.expert.data(), st.tokens, E, st.slots, in_block, false,
                      forget.counted, arm_.alpha, dz.data());
      const float* x = st.router_x.empty() ? st.x : st.router_x.data();
      float* router = model_.layer(l).mutable_weights().router.data();
      const auto slot = std::find_if(params_.begin(), params_.end(),
                                     [&](const ParamRef<float>& p) { return p.value == router; });
      EXPERTLAB_CHECK(slot != params_.end()) << "seuf: the anchor's router is not trained";
      moe::AddRouterGradient(x, dz.data(), st.tokens, d, E, slot->grad);
    }
  }

  SequenceModel<float>& model_;
  UnlearnArm arm_;
  std::vector<ExpertId> targets_;
  std::vector<ParamRef<float>> params_;
  double retain_weight_;
  moe::AdamW<float> opt_;
  std::vector<std::vector<float>> forget_grad_;
};

// Share of the forget positions' routed experts (over blocks) that the
// model still routes as in `before`; and of positions still routing
// `target`.
std::pair<double, double> RoutingKept(const std::vector<std::vector<int32_t>>& before,
                                      const std::vector<std::vector<int32_t>>& after,
                                      const FactBatch& forget, int64_t E, int64_t slots,
                                      const ExpertId& target) {
  const std::vector<char>& counted = forget.counted;
  const auto routed = [&](const std::vector<int32_t>& r, int64_t t, int32_t e) {
    return std::find(r.begin() + t * slots, r.begin() + (t + 1) * slots, e) !=
           r.begin() + (t + 1) * slots;
  };
  double kept = 0, total = 0, target_kept = 0, positions = 0;
  for (int64_t t = 0; t < int64_t(counted.size()); ++t) {
    if (!counted[t]) continue;
    positions += 1;
    target_kept += routed(after[target.block], t, static_cast<int32_t>(target.expert));
    for (size_t l = 0; l < before.size(); ++l)
      for (int64_t j = 0; j < slots; ++j) {
        const int32_t e = before[l][t * slots + j];
        if (e < 0 || e >= E) continue;
        total += 1;
        kept += routed(after[l], t, e);
      }
  }
  return {kept / total, target_kept / positions};
}

class SeufUnlearning final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    std::vector<ParamSpec> keys;
    for (ParamSpec& s : CharLmModelParameters())
      if (s.name != "context") keys.push_back(std::move(s));
    const std::vector<ParamSpec> own = {
        ParamSpec::Int("topics", 8, Bounds::Closed(2, 64), "topics of the key -> value table"),
        ParamSpec::Int("keys", 16, Bounds::Closed(2, 1024),
                       "keys per topic (the first half in the retain batch)"),
        ParamSpec::Int("value_digits", 2, Bounds::Closed(1, 16), "digits of each value"),
        ParamSpec::Choice("vocabulary", "topic", {"topic", "shared"},
                          "key and digit tokens: each topic its own (a domain's vocabulary), "
                          "or one set shared by every topic"),
        ParamSpec::Int("forget_topic", 0, Bounds::Closed(0, 63), "the topic to unlearn"),
        ParamSpec::Int("steps", 1500, Bounds::Closed(1, 1 << 24),
                       "full-batch AdamW steps memorising the table"),
        ParamSpec::Double("lr", 3e-3, Bounds::Positive(), "AdamW learning rate (memorising)"),
        ParamSpec::Choice("objective", "ga", {"ga", "gdiff"},
                          "unlearning loss of the localised arms: gradient ascent on the "
                          "forget facts, or minus it plus retain_weight times the retain loss"),
        ParamSpec::Double("retain_weight", 1.0, Bounds::AtLeast(0),
                          "lambda of gradient difference"),
        ParamSpec::Int("unlearn_steps", 150, Bounds::Closed(1, 1 << 20), "unlearning AdamW steps"),
        ParamSpec::Double("unlearn_lr", 3e-3, Bounds::Positive(),
                          "AdamW learning rate (unlearning)"),
        ParamSpec::Int("eval_every", 2, Bounds::Closed(1, 1 << 20),
                       "unlearning steps between accuracy checkpoints"),
        ParamSpec::Double("forget_target", 0.2, Bounds::Closed(0, 1),
                          "forget accuracy that counts as forgotten (chance 0.1, plus about "
                          "two standard errors of 32 digits)"),
    };
    keys.insert(keys.end(), own.begin(), own.end());
    return keys;
  }
  std::vector<std::string> DataKeys() const override {
    return {"topics", "keys",   "value_digits", "vocabulary", "d_model",
            "heads",  "blocks", "d_ff",         "E"};
  }

  void CheckCell(const Params& p) const override {
    const FactTable shape{p.Int("topics"), p.Int("keys"), p.Int("value_digits"), false, {}};
    const moe::SequenceConfig c = FactModelConfig(p, shape, 1);
    EXPERTLAB_CHECK(c.d_model % c.heads == 0)
        << "heads: must divide d_model = " << c.d_model << ", got " << c.heads;
    EXPERTLAB_CHECK(c.moe.top_k <= c.moe.experts)
        << "k: must be <= E = " << c.moe.experts << ", got " << c.moe.top_k;
    c.Validate();
    const auto router = Registry<moe::Router>::Instance().Create(p.String("router"));
    EXPERTLAB_CHECK(c.moe.gate_rank == 0 && c.moe.shared_experts == 0 &&
                    c.moe.experts == p.Int("E") && router->ConsistencyWeight() == 0 &&
                    router->MergeGroup() == 0)
        << "router: the anchor loss needs one logit per routed expert, one pass per forget "
           "batch and no shared, fine-grained or merged experts, got "
        << p.String("router");
    EXPERTLAB_CHECK(p.Int("forget_topic") < p.Int("topics"))
        << "forget_topic: must be < topics = " << p.Int("topics") << ", got "
        << p.Int("forget_topic");
    EXPERTLAB_CHECK(p.Int("E") >= 3)
        << "E: the top-3 arms need at least 3 experts per block, got " << p.Int("E");
  }

  void RunCell(const Params& p, CellContext& context) const override {
    const FactTable table = DrawFactTable(p, context);
    const int64_t forget_topic = p.Int("forget_topic");
    const FactBatch all = FactsOf(table, forget_topic, {kForgetFact, kRetainFact, kHeldOutFact});
    const FactBatch forget = FactsOf(table, forget_topic, {kForgetFact});
    const FactBatch retain = FactsOf(table, forget_topic, {kRetainFact});
    EXPERTLAB_CHECK(!forget.kind.empty()) << "forget_topic: the forget set is empty";

    Rng init = context.DataStream(kFactModelStream);
    moe::SequenceConfig config = FactModelConfig(p, table, context.threads());
    SequenceModel<float> base(config, init);
    Memorise(base, all, p);
    context.Record("memorised", 0, Accuracy(base, all).all);
    std::vector<std::vector<int32_t>> routes_before;  // of the forget facts
    Accuracy(base, forget, &routes_before);

    const auto affinity = ForgetAffinity(base, forget);
    const ExpertId top = moe::TopAffinityExperts(affinity, 1, false)[0];
    const std::vector<double>& in_block = affinity[top.block];
    context.Record("affinity_share", 0,
                   in_block[top.expert] / std::accumulate(in_block.begin(), in_block.end(), 0.0));
    Rng pick = context.Stream(1);
    const int64_t E = config.moe.experts, n_pairs = base.blocks() * E;
    int64_t r = static_cast<int64_t>(pick.UniformInt(uint64_t(n_pairs - 1)));
    if (r >= top.block * E + top.expert) ++r;  // any pair but the top one
    const ExpertId random{r / E, r % E};

    config.aux = {};  // unlearning optimises Eq. 1 alone
    int64_t whole = 0;
    for (const auto& q : base.Params()) whole += q.size;
    for (const UnlearnArm& arm : UnlearnArms(p.String("objective") == "gdiff")) {
      std::vector<ExpertId> targets;
      if (arm.random)
        targets = {random};
      else if (arm.experts > 0)
        targets = moe::TopAffinityExperts(affinity, arm.experts, arm.within_block);
      auto model = CopySequenceModel(base, config);
      Unlearner unlearner(*model, arm, targets, p.Double("unlearn_lr"), p.Double("retain_weight"));
      int64_t trained = 0;
      for (const auto& q : unlearner.params()) trained += q.size;
      context.Record("trained_share." + arm.name, p.Int("unlearn_steps"),
                     double(trained) / double(whole));
      RunArm(*model, unlearner, arm.name, p, all, forget, retain, routes_before, top, context);
    }
  }

 private:
  static void Memorise(SequenceModel<float>& model, const FactBatch& all, const Params& p) {
    moe::AdamWConfig opt_config;
    opt_config.lr = p.Double("lr");
    moe::AdamW<float> opt(opt_config);
    const SequenceBatch b = all.View(model.config().context);
    for (int64_t step = 0; step < p.Int("steps"); ++step) {
      model.ComputeGradients(b);
      opt.Step(model.Params());
      model.ParamsChanged();
    }
  }

  static void RunArm(SequenceModel<float>& model, Unlearner& unlearner, const std::string& name,
                     const Params& p, const FactBatch& all, const FactBatch& forget,
                     const FactBatch& retain,
                     const std::vector<std::vector<int32_t>>& routes_before, const ExpertId& top,
                     CellContext& context) {
    const int64_t steps = p.Int("unlearn_steps"), every = p.Int("eval_every");
    bool forgot = false;
    for (int64_t step = 0;; ++step) {
      if (step % every == 0 || step == steps) {
        const FactAccuracy a = Accuracy(model, all);
        context.Record("forget_accuracy." + name, step, a.kind[kForgetFact]);
        context.Record("retain_accuracy." + name, step, a.kind[kHeldOutFact]);
        if (!forgot && a.kind[kForgetFact] <= p.Double("forget_target")) {
          forgot = true;
          context.Record("retain_at_forget." + name, steps, a.kind[kHeldOutFact]);
          context.Record("steps_to_forget." + name, steps, double(step));
        }
      }
      if (step == steps) break;
      unlearner.Step(forget, retain);
    }
    context.Record("forgot." + name, steps, forgot ? 1.0 : 0.0);
    if (!forgot) context.Record("steps_to_forget." + name, steps, double(steps + every));
    std::vector<std::vector<int32_t>> after;
    Accuracy(model, forget, &after);
    const auto kept = RoutingKept(routes_before, after, forget, model.config().moe.experts,
                                  model.state(0).slots, top);
    context.Record("routing_overlap." + name, steps, kept.first);
    context.Record("target_kept." + name, steps, kept.second);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(SeufUnlearning, "seuf_unlearning",
                              "SEUF: unlearning one topic of a memorised key -> value table by "
                              "updating only its top-affinity expert and router with an anchor "
                              "loss, against whole-model GA / GDiff, routers only, the expert "
                              "without its router, a random expert and top-3 experts")

}  // namespace expertlab::experiments
