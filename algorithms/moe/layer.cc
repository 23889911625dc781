#include "algorithms/moe/layer.h"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "algorithms/moe/scalar_math.h"
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

namespace {

bool ChecksOn(const MoeConfig& config) {
#ifndef NDEBUG
  (void)config;
  return true;
#else
  return config.check_numerics;
#endif
}

template <class S>
void CheckFinite(const S* v, int64_t n, const char* what) {
  for (int64_t i = 0; i < n; ++i)
    EXPERTLAB_CHECK(std::isfinite(v[i]))
        << "moe: non-finite value " << v[i] << " in " << what << " at flat index " << i;
}

}  // namespace

template <class S>
MoeLayer<S>::MoeLayer(const MoeConfig& config, std::unique_ptr<Router> router)
    : MoeLayer(config, std::move(router), MoeWeights<S>::Zeros(config)) {}

template <class S>
MoeLayer<S>::MoeLayer(const MoeConfig& config, std::unique_ptr<Router> router,
                      MoeWeights<S> weights)
    : config_(config), router_(std::move(router)), weights_(std::move(weights)) {
  config_.Validate();
  EXPERTLAB_CHECK(router_ != nullptr) << "moe: no router";
  router_->Slots(config_.top_k, config_.experts);  // throws on a bad (k, E)
  Pack();
}

template <class S>
void MoeLayer<S>::Pack() {
  weights_.CheckShapes(config_);
  if (ChecksOn(config_)) {
    for (auto* block : weights_.Blocks())
      CheckFinite(block->data(), static_cast<int64_t>(block->size()), "weights");
  }
  const int64_t d = config_.d_model, E = config_.experts, G = config_.groups();
  PackPanels(weights_.router.data(), d, E, E, false, &router_panels_);
  up_panels_.resize(G);
  down_panels_.resize(G);
#pragma omp parallel for schedule(dynamic, 1) num_threads(config_.threads)
  for (int64_t g = 0; g < G; ++g) PackForwardPanels(g);
  packed_ = true;
  packed_backward_ = false;
}

template <class S>
void MoeLayer<S>::PackExpert(int64_t g) {
  EXPERTLAB_CHECK(g >= 0 && g < config_.groups())
      << "moe: PackExpert(" << g << ") outside [0, " << config_.groups() << ")";
  if (!packed_) {
    Pack();
    return;
  }
  PackForwardPanels(g);
  packed_backward_ = false;
}

template <class S>
void MoeLayer<S>::PackForwardPanels(int64_t g) {
  const int64_t d = config_.d_model, f = config_.d_ff;
  if (config_.activation == Activation::kSwiGlu)
    PackSwiGluPanels(weights_.Gate(g), weights_.Up(g), d, f, f, &up_panels_[g]);
  else
    PackPanels(weights_.Gate(g), d, f, f, false, &up_panels_[g]);
  PackPanels(weights_.Down(g), f, d, d, false, &down_panels_[g]);
}

template <class S>
void MoeLayer<S>::PackBackward() {
  const int64_t d = config_.d_model, f = config_.d_ff, E = config_.experts, G = config_.groups();
  PackPanels(weights_.router.data(), E, d, E, true, &router_t_panels_);
  down_t_panels_.resize(G);
  up_t_panels_.resize(G);
  const bool swiglu = config_.activation == Activation::kSwiGlu;
#pragma omp parallel for schedule(dynamic, 1) num_threads(config_.threads)
  for (int64_t g = 0; g < G; ++g) {
    PackPanels(weights_.Down(g), d, f, d, true, &down_t_panels_[g]);
    if (swiglu)
      PackStackedTransposed(weights_.Gate(g), weights_.Up(g), d, f, f, &up_t_panels_[g]);
    else
      PackPanels(weights_.Gate(g), f, d, f, true, &up_t_panels_[g]);
  }
  packed_backward_ = true;
}

template <class S>
void MoeLayer<S>::Route(const S* x, int64_t tokens, MoeState<S>* state, bool training, Rng* rng) {
  EXPERTLAB_CHECK(state != nullptr) << "moe: Forward needs a state";
  EXPERTLAB_CHECK(tokens >= 0) << "moe: negative token count " << tokens;
  EXPERTLAB_CHECK(tokens == 0 || x != nullptr) << "moe: null input";
  if (!packed_) Pack();
  const int64_t T = tokens, d = config_.d_model, E = config_.experts;
  if (ChecksOn(config_)) CheckFinite(x, T * d, "input x");
  state->x = x;
  state->tokens = T;
  state->training = training;

  // Router logits through the engine (the same tiles as the experts).
  logits_scratch_.resize(T * E);
  if (T > 0) {
    RunGemms<S>({PackedGemm<S>(T, E, d, {x, d, nullptr}, &router_panels_,
                               {logits_scratch_.data(), E, nullptr})},
                Engine());
  }
  state->logits.assign(logits_scratch_.begin(), logits_scratch_.begin() + T * E);

  RouterContext context{T, E, config_.top_k, training, rng};
  router_->Route(context, state->logits.data(), &state->routing);
  const Routing& routing = state->routing;
  const int64_t routed = router_->Slots(config_.top_k, E);
  EXPERTLAB_CHECK(routing.tokens == T && routing.slots == routed &&
                  static_cast<int64_t>(routing.expert.size()) == T * routed &&
                  static_cast<int64_t>(routing.probs.size()) == T * E)
      << "moe: router returned a routing of the wrong shape";

  // Capacity: slot-major priority (all first choices before any second
  // choice), tokens in order within a slot, as in GShard.
  MoeStats& stats = state->stats;
  stats.load.assign(E, 0);
  stats.kept.assign(E, 0);
  stats.dropped = 0;
  stats.capacity = 0;
  if (config_.capacity_factor > 0)
    stats.capacity = static_cast<int64_t>(std::ceil(
        config_.capacity_factor * static_cast<double>(T * config_.top_k) / static_cast<double>(E)));
  const int64_t slots = routed + config_.shared_experts;
  state->slots = slots;
  state->expert.assign(T * slots, -1);
  state->weight.assign(T * slots, S(0));
  for (int64_t s = 0; s < routed; ++s) {
    for (int64_t t = 0; t < T; ++t) {
      const int32_t e = routing.expert[t * routed + s];
      EXPERTLAB_CHECK(e >= -1 && e < E) << "moe: router chose expert " << e << " of " << E;
      if (e < 0) continue;
      ++stats.load[e];
      state->weight[t * slots + s] = static_cast<S>(routing.weight[t * routed + s]);
      if (stats.capacity > 0 && stats.kept[e] >= stats.capacity) {
        ++stats.dropped;
        continue;
      }
      ++stats.kept[e];
      state->expert[t * slots + s] = e;
    }
  }
  for (int64_t t = 0; t < T; ++t)
    for (int64_t j = 0; j < config_.shared_experts; ++j) {
      state->expert[t * slots + routed + j] = static_cast<int32_t>(E + j);
      state->weight[t * slots + routed + j] = S(1);
    }
  // Auxiliary losses.
  stats.balance_loss = 0;
  stats.z_loss = 0;
  if (T > 0) {
    for (int64_t e = 0; e < E; ++e) {
      double mean_p = 0;
      for (int64_t t = 0; t < T; ++t) mean_p += routing.probs[t * E + e];
      mean_p /= static_cast<double>(T);
      stats.balance_loss +=
          static_cast<double>(stats.load[e]) / static_cast<double>(T * routed) * mean_p;
    }
    stats.balance_loss *= static_cast<double>(E);
    for (int64_t t = 0; t < T; ++t) {
      const double lse = LogSumExp(state->logits.data() + t * E, E).Value();
      stats.z_loss += lse * lse;
    }
    stats.z_loss /= static_cast<double>(T);
  }
}

template <class S>
void MoeLayer<S>::Forward(const S* x, int64_t tokens, S* y, MoeState<S>* state, bool training,
                          Rng* rng) {
  Route(x, tokens, state, training, rng);
  RunExperts(y, state);
}

template <class S>
void MoeLayer<S>::RunExperts(S* y, MoeState<S>* state) {
  EXPERTLAB_CHECK(state != nullptr) << "moe: RunExperts needs a routed state";
  const S* x = state->x;
  const bool training = state->training;
  const int64_t T = state->tokens, d = config_.d_model, f = config_.d_ff, G = config_.groups(),
                slots = state->slots;
  EXPERTLAB_CHECK(T == 0 || y != nullptr) << "moe: null output";
  EXPERTLAB_CHECK(static_cast<int64_t>(state->expert.size()) == T * slots &&
                  static_cast<int64_t>(state->weight.size()) == T * slots)
      << "moe: state's expert/weight arrays are not [tokens x slots]";
  for (int64_t i = 0; i < T * slots; ++i)
    EXPERTLAB_CHECK(state->expert[i] >= -1 && state->expert[i] < G)
        << "moe: slot " << i << " names expert " << state->expert[i] << " of " << G;
  if (!packed_) Pack();
  // Counting sort of the kept (token, slot) pairs by expert.
  BuildDispatch(state->expert.data(), T, slots, G, &state->dispatch);
  const Dispatch& dispatch = state->dispatch;
  state->sorted_weight.resize(dispatch.rows());
  for (int64_t r = 0; r < dispatch.rows(); ++r)
    state->sorted_weight[r] = state->weight[dispatch.slot[r]];
  const int64_t rows = dispatch.rows();
  state->hidden.resize(rows * f);
  if (training) {
    state->pre_g.resize(rows * f);
    state->pre_u.resize(config_.activation == Activation::kSwiGlu ? rows * f : 0);
  }
  state->slot_out.resize(T * slots * d);

  // GEMM 1: gathered x rows times gate/up panels, activation in the epilogue,
  // hidden rows written compacted in sorted order.
  std::vector<GemmProblem<S>> problems;
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g);
    if (count == 0) continue;
    GemmProblem<S> pr = PackedGemm<S>(count, f, d, {x, d, dispatch.token.data() + off},
                                      &up_panels_[g], {state->hidden.data() + off * f, f, nullptr});
    pr.epilogue = config_.activation == Activation::kSwiGlu ? Epilogue::kSwiGlu
                  : config_.activation == Activation::kRelu ? Epilogue::kRelu
                                                            : Epilogue::kGelu;
    if (training) {
      pr.pre_g = {state->pre_g.data() + off * f, f, nullptr};
      if (config_.activation == Activation::kSwiGlu)
        pr.pre_u = {state->pre_u.data() + off * f, f, nullptr};
    }
    problems.push_back(pr);
  }
  RunGemms(problems, Engine());

  // GEMM 2: contiguous hidden rows times W_d; the routing weight is applied
  // in the epilogue, which writes each row to its (token, slot) place.
  problems.clear();
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g);
    if (count == 0) continue;
    GemmProblem<S> pr =
        PackedGemm<S>(count, d, f, {state->hidden.data() + off * f, f, nullptr}, &down_panels_[g],
                      {state->slot_out.data(), d, dispatch.slot.data() + off});
    pr.row_scale = state->sorted_weight.data() + off;
    problems.push_back(pr);
  }
  RunGemms(problems, Engine());

  // Deterministic k-way combine: each token sums its kept slots in order.
  const int32_t* expert = state->expert.data();
  const S* slot_out = state->slot_out.data();
#pragma omp parallel for schedule(static) num_threads(config_.threads) if (T * d > 65536)
  for (int64_t t = 0; t < T; ++t) {
    S* out = y + t * d;
    bool first = true;
    for (int64_t s = 0; s < slots; ++s) {
      if (expert[t * slots + s] < 0) continue;
      const S* src = slot_out + (t * slots + s) * d;
      if (first) {
        for (int64_t j = 0; j < d; ++j) out[j] = src[j];
        first = false;
      } else {
        for (int64_t j = 0; j < d; ++j) out[j] += src[j];
      }
    }
    if (first)
      for (int64_t j = 0; j < d; ++j) out[j] = S(0);
  }
  if (ChecksOn(config_)) CheckFinite(y, T * d, "output y");
}

// Expert weight gradients larger than this are written around the caches
// (GemmProblem::stream_c): beyond the largest last-level caches (256 MB on
// current server parts) the optimizer re-reads them from DRAM anyway, and
// with 128 rows per expert the gradient stores are a quarter of the
// weight-gradient GEMMs' time when each line is first read for ownership
// (measured d = 1024, f = 2816, E = 64, k = 2: dW_d +23%, dW_g/u +9%,
// the whole backward 8-13% in same-run A/Bs; within noise with E = 8).
constexpr int64_t kStreamGradientBytes = int64_t{256} << 20;

template <class S>
void MoeLayer<S>::Backward(const S* dy, MoeState<S>& state, S* dx, MoeWeights<S>* grads,
                           const AuxLossWeights& aux) {
  EXPERTLAB_CHECK(state.training)
      << "moe: Backward needs the state of a Forward with training=true";
  EXPERTLAB_CHECK(grads != nullptr) << "moe: Backward needs a gradient buffer";
  if (!packed_) Pack();
  if (!packed_backward_) PackBackward();
  const int64_t T = state.tokens, d = config_.d_model, f = config_.d_ff, E = config_.experts,
                G = config_.groups(), slots = state.slots, routed = state.routing.slots;
  EXPERTLAB_CHECK(T == 0 || (dy != nullptr && dx != nullptr)) << "moe: null dy or dx";
  if (ChecksOn(config_)) CheckFinite(dy, T * d, "output gradient dy");
  // Reuse the caller's buffers when they fit (the GEMMs overwrite every
  // expert that received rows; the others are zeroed below).
  bool reuse = true;
  try {
    grads->CheckShapes(config_);
  } catch (const Error&) {
    reuse = false;
  }
  if (!reuse) *grads = MoeWeights<S>::Zeros(config_);
  if (T == 0) {
    for (auto* block : grads->Blocks()) std::fill(block->begin(), block->end(), S(0));
    return;
  }
  const S* x = state.x;
  const Dispatch& dispatch = state.dispatch;
  const int64_t rows = dispatch.rows();
  const bool swiglu = config_.activation == Activation::kSwiGlu;
  const int64_t ldgu = swiglu ? 2 * f : f;

  // z[r] = dy[token(r)] W_d^T, unweighted: it gives both the gate gradient
  // <h, z> and dh = w z.
  grad_scratch_.resize(rows * f);
  std::vector<GemmProblem<S>> problems;
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g);
    if (count == 0) continue;
    problems.push_back(PackedGemm<S>(count, f, d, {dy, d, dispatch.token.data() + off},
                                     &down_t_panels_[g],
                                     {grad_scratch_.data() + off * f, f, nullptr}));
  }
  RunGemms(problems, Engine());

  // Row-wise: gate gradient, dh, and the activation backward (SiLU
  // recomputed from the stored pre-activation).
  dgu_.resize(rows * ldgu);
  dys_.resize(rows * d);
  std::vector<double> d_row_weight(rows);
  // Float SwiGLU rows use the active kernels (SIMD where available).
  const bool fast = std::is_same_v<S, float> && swiglu;
  const FloatKernels& fk = ActiveFloatKernels(Engine());
#pragma omp parallel for schedule(static) num_threads(config_.threads) if (rows * f > 65536)
  for (int64_t r = 0; r < rows; ++r) {
    const S* z = grad_scratch_.data() + r * f;
    const S* h = state.hidden.data() + r * f;
    const S* pg = state.pre_g.data() + r * f;
    const S w = state.sorted_weight[r];
    S* dg = dgu_.data() + r * ldgu;
    if (fast) {
      if constexpr (std::is_same_v<S, float>)
        d_row_weight[r] =
            fk.swiglu_backward(pg, state.pre_u.data() + r * f, z, h, w, f, dg, dg + f);
    } else if (swiglu) {
      d_row_weight[r] = SwiGluBackwardRow(pg, state.pre_u.data() + r * f, z, h, w, f, dg, dg + f);
    } else {
      double dot = 0;
      for (int64_t j = 0; j < f; ++j) dot += static_cast<double>(h[j]) * z[j];
      d_row_weight[r] = dot;
      if (config_.activation == Activation::kRelu) {
        for (int64_t j = 0; j < f; ++j) dg[j] = pg[j] > S(0) ? w * z[j] : S(0);
      } else {
        for (int64_t j = 0; j < f; ++j) dg[j] = w * z[j] * GeluTanhDerivative(pg[j]);
      }
    }
    const S* src = dy + static_cast<int64_t>(dispatch.token[r]) * d;
    S* dst = dys_.data() + r * d;
    for (int64_t j = 0; j < d; ++j) dst[j] = w * src[j];
  }

  // Router: gate gradient per routed slot, auxiliary losses, logits.
  std::vector<double> d_weight(T * routed, 0.0);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s < routed; ++s) {
      const int32_t r = dispatch.row_of_slot[t * slots + s];
      if (r >= 0) d_weight[t * routed + s] = d_row_weight[r];
    }
  std::vector<double> d_probs;
  if (aux.balance != 0) {
    d_probs.assign(T * E, 0.0);
    for (int64_t e = 0; e < E; ++e) {
      const double g = aux.balance * static_cast<double>(E) *
                       static_cast<double>(state.stats.load[e]) / static_cast<double>(T * routed) /
                       static_cast<double>(T);
      for (int64_t t = 0; t < T; ++t) d_probs[t * E + e] = g;
    }
  }
  std::vector<double> d_logits(T * E, 0.0);
  RouterContext context{T, E, config_.top_k, true, nullptr};
  router_->Backward(context, state.logits.data(), state.routing, d_weight.data(),
                    d_probs.empty() ? nullptr : d_probs.data(), d_logits.data());
  if (aux.z != 0) {
    for (int64_t t = 0; t < T; ++t) {
      const double* z = state.logits.data() + t * E;
      const LogSumExpTerms terms = LogSumExp(z, E);
      const double lse = terms.Value();
      for (int64_t e = 0; e < E; ++e)
        d_logits[t * E + e] +=
            aux.z * 2.0 / static_cast<double>(T) * lse * std::exp(z[e] - terms.max) / terms.sum;
    }
  }
  dlogits_s_.assign(d_logits.begin(), d_logits.end());

  // Weight gradients over each expert's segment, dx per slot, and the
  // router products, all in one parallel loop of independent tiles.
  dxs_.resize(rows * d);
  problems.clear();
  const int64_t expert_grad_bytes =
      static_cast<int64_t>(grads->w_gate.size() + grads->w_up.size() + grads->w_down.size()) *
      static_cast<int64_t>(sizeof(S));
  const bool stream_grads = expert_grad_bytes > kStreamGradientBytes;
  for (int64_t g = 0; g < G; ++g) {
    const int64_t off = dispatch.offset[g], count = dispatch.Count(g);
    if (count == 0) {
      std::fill_n(grads->Gate(g), d * f, S(0));
      if (swiglu) std::fill_n(grads->Up(g), d * f, S(0));
      std::fill_n(grads->Down(g), f * d, S(0));
      continue;
    }
    // dW_d = H^T (w dy)
    GemmProblem<S> wd =
        TransposedGemm<S>(f, d, count, {state.hidden.data() + off * f, f, nullptr},
                          {dys_.data() + off * d, d, nullptr}, {grads->Down(g), d, nullptr});
    wd.stream_c = stream_grads;
    problems.push_back(wd);
    // dW_g = X^T dG (dW_1 for ReLU/GELU)
    GemmProblem<S> wg =
        TransposedGemm<S>(d, f, count, {x, d, dispatch.token.data() + off},
                          {dgu_.data() + off * ldgu, ldgu, nullptr}, {grads->Gate(g), f, nullptr});
    wg.stream_c = stream_grads;
    problems.push_back(wg);
    if (swiglu) {
      GemmProblem<S> wu = wg;  // dW_u = X^T dU
      wu.b_rows.base += f;
      wu.c = {grads->Up(g), f, nullptr};
      problems.push_back(wu);
    }
    // dx per slot = [dG dU] [W_g^T; W_u^T]
    problems.push_back(PackedGemm<S>(count, d, ldgu, {dgu_.data() + off * ldgu, ldgu, nullptr},
                                     &up_t_panels_[g], {dxs_.data() + off * d, d, nullptr}));
  }
  // dW_r = X^T dZ
  problems.push_back(TransposedGemm<S>(d, E, T, {x, d, nullptr}, {dlogits_s_.data(), E, nullptr},
                                       {grads->router.data(), E, nullptr}));
  // dx = dZ W_r^T (then the slots are added)
  problems.push_back(
      PackedGemm<S>(T, d, E, {dlogits_s_.data(), E, nullptr}, &router_t_panels_, {dx, d, nullptr}));
  RunGemms(problems, Engine());

  // Deterministic combine of dx over each token's slots.
  const int32_t* row_of_slot = dispatch.row_of_slot.data();
#pragma omp parallel for schedule(static) num_threads(config_.threads) if (T * d > 65536)
  for (int64_t t = 0; t < T; ++t) {
    S* out = dx + t * d;
    for (int64_t s = 0; s < slots; ++s) {
      const int32_t r = row_of_slot[t * slots + s];
      if (r < 0) continue;
      const S* src = dxs_.data() + static_cast<int64_t>(r) * d;
      for (int64_t j = 0; j < d; ++j) out[j] += src[j];
    }
  }
}

template struct MoeWeights<float>;
template struct MoeWeights<double>;
template MoeWeights<double> ConvertWeights<double, float>(const MoeWeights<float>&);
template MoeWeights<float> ConvertWeights<float, double>(const MoeWeights<double>&);
template MoeWeights<float> ConvertWeights<float, float>(const MoeWeights<float>&);
template MoeWeights<double> ConvertWeights<double, double>(const MoeWeights<double>&);
template class MoeLayer<float>;
template class MoeLayer<double>;

}  // namespace expertlab::moe
