// MoeConfig, MoeWeights and the activation names of the MoE layer
// (declared in layer.h, which documents them).
#include <algorithm>
#include <cmath>

#include "algorithms/moe/layer.h"
#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::moe {

Activation ParseActivation(const std::string& name) {
  if (name == "swiglu") return Activation::kSwiGlu;
  if (name == "relu") return Activation::kRelu;
  if (name == "gelu") return Activation::kGelu;
  throw Error("moe: unknown activation '" + name + "'; expected swiglu, relu or gelu");
}

std::string ActivationName(Activation activation) {
  switch (activation) {
    case Activation::kSwiGlu: return "swiglu";
    case Activation::kRelu: return "relu";
    default: return "gelu";
  }
}

void MoeConfig::Validate() const {
  EXPERTLAB_CHECK(d_model >= 1) << "moe: d_model must be >= 1, got " << d_model;
  EXPERTLAB_CHECK(d_ff >= 1) << "moe: d_ff must be >= 1, got " << d_ff;
  EXPERTLAB_CHECK(experts >= 1) << "moe: experts must be >= 1, got " << experts;
  EXPERTLAB_CHECK(top_k >= 1 && top_k <= experts)
      << "moe: top_k must be in [1, experts] = [1, " << experts << "], got " << top_k;
  EXPERTLAB_CHECK(shared_experts >= 0)
      << "moe: shared_experts must be >= 0, got " << shared_experts;
  EXPERTLAB_CHECK(capacity_factor >= 0 && std::isfinite(capacity_factor))
      << "moe: capacity_factor must be >= 0 (0 = dropless), got " << capacity_factor;
  EXPERTLAB_CHECK(threads >= 1) << "moe: threads must be >= 1, got " << threads;
  EXPERTLAB_CHECK(expert_widths.empty() || static_cast<int64_t>(expert_widths.size()) == experts)
      << "moe: expert_widths: expected one width per routed expert (E = " << experts << "), got "
      << expert_widths.size();
  for (size_t i = 0; i < expert_widths.size(); ++i)
    EXPERTLAB_CHECK(expert_widths[i] >= 1)
        << "moe: expert_widths[" << i << "] must be >= 1, got " << expert_widths[i];
  EXPERTLAB_CHECK(gate_rank >= 0 && gate_rank < d_model)
      << "moe: gate_rank must be in [0, d_model) = [0, " << d_model
      << ") (a factorised gate of rank >= d saves nothing), got " << gate_rank;
  EXPERTLAB_CHECK(gate_rank == 0 || (activation == Activation::kSwiGlu && shared_experts == 0))
      << "moe: gate_rank > 0 (factorised gates, Autonomy-of-Experts) needs SwiGLU experts and "
         "no shared experts";
  // Sorted rows and slot indices are int32.
  EXPERTLAB_CHECK(groups() < (int64_t{1} << 30)) << "moe: too many experts";
}

int64_t MoeConfig::MaxWidth() const {
  int64_t widest = shared_experts > 0 || expert_widths.empty() ? d_ff : 0;
  for (int64_t f : expert_widths) widest = std::max(widest, f);
  return widest;
}

namespace {

// Group widths and their offsets in the weight arrays.
void Layout(const MoeConfig& config, std::vector<int64_t>* width, std::vector<int64_t>* offset) {
  const int64_t G = config.groups();
  width->resize(G);
  offset->assign(G + 1, 0);
  for (int64_t g = 0; g < G; ++g) {
    (*width)[g] = config.Width(g);
    (*offset)[g + 1] = (*offset)[g] + config.d_model * (*width)[g];
  }
}

}  // namespace

template <class S>
MoeWeights<S> MoeWeights<S>::Zeros(const MoeConfig& config) {
  config.Validate();
  MoeWeights w;
  w.d = config.d_model;
  w.f = config.d_ff;
  w.experts = config.experts;
  w.groups = config.groups();
  w.gate_rows = config.GateRows();
  w.swiglu = config.activation == Activation::kSwiGlu;
  Layout(config, &w.width, &w.offset);
  const int64_t expert_values = w.offset.back();
  w.router.assign(w.d * config.RouterColumns(), S(0));
  w.w_gate.assign(expert_values / w.d * w.gate_rows, S(0));
  if (w.swiglu) w.w_up.assign(expert_values, S(0));
  w.w_down.assign(expert_values, S(0));
  return w;
}

template <class S>
MoeWeights<S> MoeWeights<S>::Random(const MoeConfig& config, Rng& rng, double router_scale) {
  MoeWeights w = Zeros(config);
  const double sd_in = 1.0 / std::sqrt(static_cast<double>(w.d));
  // Factorised gates: the router block is the gates' first factor, an
  // expert weight of fan-in d like the others, not a scaled router.
  const double router_sd = config.gate_rank > 0 ? sd_in : router_scale * sd_in;
  const double gate_sd = 1.0 / std::sqrt(static_cast<double>(w.gate_rows));
  for (auto& v : w.router) v = static_cast<S>(Normal(rng, 0.0, router_sd));
  for (auto& v : w.w_gate) v = static_cast<S>(Normal(rng, 0.0, gate_sd));
  for (auto& v : w.w_up) v = static_cast<S>(Normal(rng, 0.0, sd_in));
  for (int64_t g = 0; g < w.groups; ++g) {
    const double sd_out = 1.0 / std::sqrt(static_cast<double>(w.width[g]));
    for (int64_t i = w.offset[g]; i < w.offset[g + 1]; ++i)
      w.w_down[i] = static_cast<S>(Normal(rng, 0.0, sd_out));
  }
  return w;
}

template <class S>
std::vector<AlignedVector<S>*> MoeWeights<S>::Blocks() {
  std::vector<AlignedVector<S>*> blocks = {&router, &w_gate};
  if (swiglu) blocks.push_back(&w_up);
  blocks.push_back(&w_down);
  return blocks;
}

template <class S>
void MoeWeights<S>::CheckShapes(const MoeConfig& config) const {
  const int64_t d_ = config.d_model, f_ = config.d_ff, e_ = config.experts, g_ = config.groups();
  const bool sw = config.activation == Activation::kSwiGlu;
  auto expect = [](const char* name, size_t got, int64_t want) {
    EXPERTLAB_CHECK(static_cast<int64_t>(got) == want)
        << "moe: weight '" << name << "' has " << got << " values, expected " << want;
  };
  EXPERTLAB_CHECK(d == d_ && f == f_ && experts == e_ && groups == g_ && swiglu == sw &&
                  gate_rows == config.GateRows())
      << "moe: weights are for d=" << d << " f=" << f << " experts=" << experts
      << " groups=" << groups << " gate rows=" << gate_rows << (swiglu ? " swiglu" : " relu/gelu")
      << ", layer has d=" << d_ << " f=" << f_ << " experts=" << e_ << " groups=" << g_
      << " gate rows=" << config.GateRows() << (sw ? " swiglu" : " relu/gelu");
  std::vector<int64_t> want_width, want_offset;
  Layout(config, &want_width, &want_offset);
  EXPERTLAB_CHECK(width == want_width && offset == want_offset)
      << "moe: weights' expert widths differ from the layer's expert_widths";
  const int64_t values = want_offset.back();
  expect("router", router.size(), d_ * config.RouterColumns());
  expect("w_gate", w_gate.size(), values / d_ * config.GateRows());
  expect("w_up", w_up.size(), sw ? values : 0);
  expect("w_down", w_down.size(), values);
}

template <class S>
bool MoeWeights<S>::MatchesShapes(const MoeConfig& config) const {
  // No allocation: the layer asks this of its gradient buffers every step.
  const int64_t G = config.groups();
  if (static_cast<int64_t>(width.size()) != G || static_cast<int64_t>(offset.size()) != G + 1)
    return false;
  int64_t values = 0;
  for (int64_t g = 0; g < G; ++g) {
    if (width[g] != config.Width(g) || offset[g] != values) return false;
    values += config.d_model * width[g];
  }
  const bool want_swiglu = config.activation == Activation::kSwiGlu;
  return d == config.d_model && f == config.d_ff && experts == config.experts && groups == G &&
         gate_rows == config.GateRows() && swiglu == want_swiglu && offset[G] == values &&
         static_cast<int64_t>(router.size()) == config.d_model * config.RouterColumns() &&
         static_cast<int64_t>(w_gate.size()) == values / config.d_model * config.GateRows() &&
         static_cast<int64_t>(w_up.size()) == (want_swiglu ? values : 0) &&
         static_cast<int64_t>(w_down.size()) == values;
}

template <class To, class From>
MoeWeights<To> ConvertWeights(const MoeWeights<From>& w) {
  MoeWeights<To> out;
  out.d = w.d;
  out.f = w.f;
  out.experts = w.experts;
  out.groups = w.groups;
  out.gate_rows = w.gate_rows;
  out.swiglu = w.swiglu;
  out.width = w.width;
  out.offset = w.offset;
  out.router.assign(w.router.begin(), w.router.end());
  out.w_gate.assign(w.w_gate.begin(), w.w_gate.end());
  out.w_up.assign(w.w_up.begin(), w.w_up.end());
  out.w_down.assign(w.w_down.begin(), w.w_down.end());
  return out;
}

template struct MoeWeights<float>;
template struct MoeWeights<double>;
template MoeWeights<double> ConvertWeights<double, float>(const MoeWeights<float>&);
template MoeWeights<float> ConvertWeights<float, double>(const MoeWeights<double>&);
template MoeWeights<float> ConvertWeights<float, float>(const MoeWeights<float>&);
template MoeWeights<double> ConvertWeights<double, double>(const MoeWeights<double>&);

}  // namespace expertlab::moe
