// MoeConfig, MoeWeights and the activation names of the MoE layer
// (declared in layer.h, which documents them).
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
  // Sorted rows and slot indices are int32.
  EXPERTLAB_CHECK(groups() < (int64_t{1} << 30)) << "moe: too many experts";
}

template <class S>
MoeWeights<S> MoeWeights<S>::Zeros(const MoeConfig& config) {
  config.Validate();
  MoeWeights w;
  w.d = config.d_model;
  w.f = config.d_ff;
  w.experts = config.experts;
  w.groups = config.groups();
  w.swiglu = config.activation == Activation::kSwiGlu;
  w.router.assign(w.d * w.experts, S(0));
  w.w_gate.assign(w.groups * w.d * w.f, S(0));
  if (w.swiglu) w.w_up.assign(w.groups * w.d * w.f, S(0));
  w.w_down.assign(w.groups * w.f * w.d, S(0));
  return w;
}

template <class S>
MoeWeights<S> MoeWeights<S>::Random(const MoeConfig& config, Rng& rng, double router_scale) {
  MoeWeights w = Zeros(config);
  const double sd_in = 1.0 / std::sqrt(static_cast<double>(w.d));
  const double sd_out = 1.0 / std::sqrt(static_cast<double>(w.f));
  for (auto& v : w.router) v = static_cast<S>(Normal(rng, 0.0, router_scale * sd_in));
  for (auto& v : w.w_gate) v = static_cast<S>(Normal(rng, 0.0, sd_in));
  for (auto& v : w.w_up) v = static_cast<S>(Normal(rng, 0.0, sd_in));
  for (auto& v : w.w_down) v = static_cast<S>(Normal(rng, 0.0, sd_out));
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
  EXPERTLAB_CHECK(d == d_ && f == f_ && experts == e_ && groups == g_ && swiglu == sw)
      << "moe: weights are for d=" << d << " f=" << f << " experts=" << experts
      << " groups=" << groups << (swiglu ? " swiglu" : " relu/gelu") << ", layer has d=" << d_
      << " f=" << f_ << " experts=" << e_ << " groups=" << g_ << (sw ? " swiglu" : " relu/gelu");
  expect("router", router.size(), d_ * e_);
  expect("w_gate", w_gate.size(), g_ * d_ * f_);
  expect("w_up", w_up.size(), sw ? g_ * d_ * f_ : 0);
  expect("w_down", w_down.size(), g_ * f_ * d_);
}

template <class S>
bool MoeWeights<S>::MatchesShapes(const MoeConfig& config) const {
  const int64_t want_d = config.d_model, want_f = config.d_ff, want_g = config.groups();
  const bool want_swiglu = config.activation == Activation::kSwiGlu;
  return d == want_d && f == want_f && experts == config.experts && groups == want_g &&
         swiglu == want_swiglu && static_cast<int64_t>(router.size()) == want_d * config.experts &&
         static_cast<int64_t>(w_gate.size()) == want_g * want_d * want_f &&
         static_cast<int64_t>(w_up.size()) == (want_swiglu ? want_g * want_d * want_f : 0) &&
         static_cast<int64_t>(w_down.size()) == want_g * want_f * want_d;
}

template <class To, class From>
MoeWeights<To> ConvertWeights(const MoeWeights<From>& w) {
  MoeWeights<To> out;
  out.d = w.d;
  out.f = w.f;
  out.experts = w.experts;
  out.groups = w.groups;
  out.swiglu = w.swiglu;
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
