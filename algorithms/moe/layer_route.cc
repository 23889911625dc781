// MoeLayer::Route: router logits, the router's choice, capacity and the
// auxiliary statistics (see layer.h for the formulas and papers).
#include <cmath>

#include "algorithms/moe/layer.h"
#include "algorithms/moe/numeric_checks.h"
#include "algorithms/moe/scalar_math.h"
#include "sim/check.h"

namespace expertlab::moe {

template <class S>
void MoeLayer<S>::Route(const S* x, int64_t tokens, MoeState<S>* state, bool training, Rng* rng) {
  EXPERTLAB_CHECK(state != nullptr) << "moe: Forward needs a state";
  EXPERTLAB_CHECK(tokens >= 0) << "moe: negative token count " << tokens;
  EXPERTLAB_CHECK(tokens == 0 || x != nullptr) << "moe: null input";
  if (!packed_) Pack();
  const int64_t T = tokens, E = config_.experts;
  if (ChecksOn(config_)) CheckFinite(x, T * config_.d_model, "input x");
  state->x = x;
  state->tokens = T;
  state->training = training;
  ComputeRouterLogits(state, rng);
  router_->Route(Context(T, training, rng), state->logits.data(), &state->routing);
  const Routing& routing = state->routing;
  const int64_t routed = router_->Slots(config_.top_k, E);
  EXPERTLAB_CHECK(routing.tokens == T && routing.slots == routed &&
                  static_cast<int64_t>(routing.expert.size()) == T * routed &&
                  static_cast<int64_t>(routing.probs.size()) == T * E)
      << "moe: router returned a routing of the wrong shape";
  AssignSlotsWithinCapacity(state);
  ComputeAuxiliaryStatistics(state);
}

// Router logits x W_r through the engine (the same tiles as the experts),
// kept in double for the router. With factorised gates they are the
// experts' caches c_e = x A_e, also kept in S for the experts to reuse.
// In training, a router with input jitter eps sees x * u instead,
// u ~ U(1 - eps, 1 + eps) per entry drawn token by token before the
// router's own draws (Switch Transformers, Sec. 2.4: multiplicative jitter
// on the router input only; the experts see x, except for factorised
// gates, whose caches are the router's output).
template <class S>
void MoeLayer<S>::ComputeRouterLogits(MoeState<S>* state, Rng* rng) {
  const int64_t T = state->tokens, d = config_.d_model, cols = config_.RouterColumns();
  const double eps = router_->InputJitter();
  const S* router_input = state->x;
  state->jitter.clear();
  state->router_x.clear();
  if (state->training && eps > 0 && T > 0) {
    EXPERTLAB_CHECK(rng != nullptr) << "moe: router input jitter needs a random stream";
    state->jitter.resize(T * d);
    state->router_x.resize(T * d);
    for (int64_t i = 0; i < T * d; ++i) {
      state->jitter[i] = static_cast<S>(1.0 + eps * (2.0 * rng->Uniform() - 1.0));
      state->router_x[i] = state->x[i] * state->jitter[i];
    }
    router_input = state->router_x.data();
  }
  std::vector<S>& out = config_.gate_rank > 0 ? state->gate_cache : logits_scratch_;
  out.resize(T * cols);
  if (T > 0) {
    problems_.clear();
    problems_.push_back(PackedGemm<S>(T, cols, d, {router_input, d, nullptr}, &router_panels_,
                                      {out.data(), cols, nullptr}));
    RunGemms(problems_, Engine());
  }
  state->logits.assign(out.begin(), out.begin() + T * cols);
}

// Kept (expert, weight) per (token, slot): capacity with slot-major priority
// (all first choices before any second choice), tokens in order within a
// slot, as in GShard; shared experts appended with weight 1.
template <class S>
void MoeLayer<S>::AssignSlotsWithinCapacity(MoeState<S>* state) const {
  const Routing& routing = state->routing;
  const int64_t T = state->tokens, E = config_.experts, routed = routing.slots;
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
}

// The auxiliary losses as statistics: the Switch balance E sum_e f_e P_e
// and the ST-MoE z-loss mean_t logsumexp(z_t)^2 (0 with factorised gates,
// which have no per-expert logits).
template <class S>
void MoeLayer<S>::ComputeAuxiliaryStatistics(MoeState<S>* state) const {
  const Routing& routing = state->routing;
  const int64_t T = state->tokens, E = config_.experts, routed = routing.slots;
  MoeStats& stats = state->stats;
  stats.balance_loss = 0;
  stats.z_loss = 0;
  stats.router_loss = 0;
  if (T == 0) return;
  for (int64_t e = 0; e < E; ++e) {
    double mean_p = 0;
    for (int64_t t = 0; t < T; ++t) mean_p += routing.probs[t * E + e];
    mean_p /= static_cast<double>(T);
    stats.balance_loss +=
        static_cast<double>(stats.load[e]) / static_cast<double>(T * routed) * mean_p;
  }
  stats.balance_loss *= static_cast<double>(E);
  for (int64_t t = 0; t < T && config_.gate_rank == 0; ++t) {
    const double lse = LogSumExp(state->logits.data() + t * E, E).Value();
    stats.z_loss += lse * lse;
  }
  stats.z_loss /= static_cast<double>(T);
  stats.router_loss = router_->AuxiliaryLoss(Context(T, state->training, nullptr),
                                             state->logits.data(), routing, nullptr);
}

template void MoeLayer<float>::Route(const float*, int64_t, MoeState<float>*, bool, Rng*);
template void MoeLayer<double>::Route(const double*, int64_t, MoeState<double>*, bool, Rng*);

}  // namespace expertlab::moe
