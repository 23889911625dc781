// Sparse mixture-of-experts feed-forward layer: router, top-k (or any
// Router plug-in), capacity with token dropping or dropless dispatch, routed
// and shared experts (SwiGLU d->f->d, or a plain ReLU/GELU FFN), weighted
// combine; forward and exact backward on the grouped-GEMM engine
// (kernels.h), float for speed or double for gradient checks.
//
// Papers: N. Shazeer et al., "Outrageously large neural networks", ICLR
// 2017 (sparse gating, Eq. 1-5); D. Lepikhin et al., "GShard", ICLR 2021
// (capacity C = ceil(cf T k / E), slot-major priority, Alg. 1); W. Fedus,
// B. Zoph, N. Shazeer, "Switch Transformers", JMLR 2022 (load-balance loss
// Eq. 4-6); B. Zoph et al., "ST-MoE", arXiv 2202.08906 (router z-loss
// Eq. 5); N. Shazeer, "GLU variants improve Transformer", arXiv 2002.05202
// (SwiGLU FFN, Eq. 6); D. Dai et al., "DeepSeekMoE", ACL 2024 (shared
// experts); T. Gale et al., "MegaBlocks", MLSys 2023 (dropless).
//
// Forward for token t with kept slots s (expert e_s, weight w_s):
//   y_t = sum_s w_s FFN_{e_s}(x_t) + sum_{shared j} FFN_{E+j}(x_t)
// or, with a router that merges experts (Router::MergeGroup, SMEAR,
// layer_merged.cc), y_t = FFN_{theta_bar}(x_t), theta_bar = sum_s w_s
// theta_{e_s} over the slots of the first token of t's group.
//   SwiGLU: FFN(x) = (silu(x W_g) * (x W_u)) W_d;  ReLU/GELU: act(x W_1) W_2
// Auxiliary losses (reported; their gradients are added in Backward with
// the weights given there):
//   balance = E sum_e f_e P_e, f_e = routed slots of e / (T slots),
//             P_e = mean_t p[t, e]                      (Switch Eq. 4)
//   z       = mean_t logsumexp(z_t)^2                   (ST-MoE Eq. 5)
//
// Configuration (MoeConfig)
//   d_model, d_ff     >= 1       model and expert hidden width
//   experts           >= 1       routed experts E
//   top_k             [1, E]     k handed to the router
//   shared_experts    >= 0       always-on experts, weight 1
//   expert_widths     E x >= 1   hidden width of each routed expert
//                                (heterogeneous experts, HMoE); empty =
//                                every expert d_ff (shared ones always d_ff)
//   gate_rank         [0, d)     r > 0: factorised gates (Autonomy-of-
//                                Experts): expert e's gate projection is
//                                W_g^e = A_e B_e, A_e [d x r], B_e [r x f_e];
//                                the router block holds [A_1 ... A_E]
//                                [d x E r], so the router's logits are the
//                                caches c_e = x A_e the selected experts
//                                reuse (SwiGLU, no shared experts); 0 = none
//   activation        swiglu | relu | gelu (tanh approximation)
//   capacity_factor   >= 0       0 = dropless; else C = ceil(cf T k / E),
//                                slots beyond C dropped, slot-major order
//   check_numerics    bool       NaN/Inf in x, dy or weights -> Error
//                                (always on in debug builds)
//   threads           >= 1       OpenMP threads inside the layer
//
// Weight layout (row-major): router [d x E] (factorised gates: [d x E r]);
// per expert g (routed first, then shared), of width f_g = Width(g), one
// after another without padding: w_gate [d x f_g] (factorised gates:
// B_g [r x f_g]), w_up [d x f_g] (SwiGLU only), w_down [f_g x d].
// Hidden rows (MoeState::hidden) are likewise packed per expert segment:
// a row of expert g holds f_g values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/moe/kernels.h"
#include "algorithms/moe/router.h"
#include "sim/rng.h"

namespace expertlab::moe {

enum class Activation { kSwiGlu, kRelu, kGelu };

Activation ParseActivation(const std::string& name);
std::string ActivationName(Activation activation);

struct MoeConfig {
  int64_t d_model = 0;
  int64_t d_ff = 0;
  int64_t experts = 0;
  int64_t top_k = 1;
  int64_t shared_experts = 0;
  Activation activation = Activation::kSwiGlu;
  double capacity_factor = 0;
  bool check_numerics = false;
  int threads = 1;
  bool use_simd = true;  // float: best SIMD kernels of this CPU (float_kernels.h)

  std::vector<int64_t> expert_widths;
  int64_t gate_rank = 0;

  int64_t groups() const { return experts + shared_experts; }
  // Columns of the router block: E, or E r with factorised gates.
  int64_t RouterColumns() const { return gate_rank > 0 ? experts * gate_rank : experts; }
  // Rows of an expert's w_gate block: d, or r with factorised gates.
  int64_t GateRows() const { return gate_rank > 0 ? gate_rank : d_model; }
  // Hidden width of group g (routed 0..E-1, then shared).
  int64_t Width(int64_t g) const {
    return g < experts && !expert_widths.empty() ? expert_widths[g] : d_ff;
  }
  int64_t MaxWidth() const;
  // Throws expertlab::Error naming the first bad field.
  void Validate() const;
};

template <class S>
struct MoeWeights {
  int64_t d = 0, f = 0, experts = 0, groups = 0;  // f: d_ff
  int64_t gate_rows = 0;                          // MoeConfig::GateRows()
  bool swiglu = true;
  std::vector<int64_t> width;   // [groups] f_g
  std::vector<int64_t> offset;  // [groups + 1] d * sum_{h < g} f_h: group g's start
  // Cache-line aligned, so gradients can be written around the caches.
  AlignedVector<S> router;  // [d x RouterColumns()]
  AlignedVector<S> w_gate;  // expert g: [gate_rows x f_g] at GateOffset(g)
  AlignedVector<S> w_up;    // the same layout, SwiGLU only
  AlignedVector<S> w_down;  // expert g: [f_g x d] at offset[g]

  // Zero weights of the right shapes for `config`.
  static MoeWeights Zeros(const MoeConfig& config);
  // N(0, 1/fan_in) entries (router N(0, router_scale^2 / d)).
  static MoeWeights Random(const MoeConfig& config, Rng& rng, double router_scale = 1.0);
  int64_t Width(int64_t g) const { return width[g]; }
  int64_t GateOffset(int64_t g) const { return offset[g] / d * gate_rows; }
  S* Gate(int64_t g) { return w_gate.data() + GateOffset(g); }
  S* Up(int64_t g) { return w_up.data() + offset[g]; }
  S* Down(int64_t g) { return w_down.data() + offset[g]; }
  const S* Gate(int64_t g) const { return w_gate.data() + GateOffset(g); }
  const S* Up(int64_t g) const { return w_up.data() + offset[g]; }
  const S* Down(int64_t g) const { return w_down.data() + offset[g]; }
  // Expert g's tensor m: 0 W_g, 1 W_u, 2 W_d.
  S* Tensor(int64_t g, int64_t m) { return m == 0 ? Gate(g) : m == 1 ? Up(g) : Down(g); }
  const S* Tensor(int64_t g, int64_t m) const {
    return m == 0 ? Gate(g) : m == 1 ? Up(g) : Down(g);
  }
  // Every parameter block in a fixed order (optimizers, gradient checks).
  std::vector<AlignedVector<S>*> Blocks();
  // Throws if the vectors do not have the sizes `config` implies.
  void CheckShapes(const MoeConfig& config) const;
  // Whether CheckShapes would pass.
  bool MatchesShapes(const MoeConfig& config) const;
};

template <class To, class From>
MoeWeights<To> ConvertWeights(const MoeWeights<From>& w);

struct MoeStats {
  std::vector<int64_t> load;  // [E] routed slots per expert, before capacity
  std::vector<int64_t> kept;  // [E] after capacity
  int64_t dropped = 0;        // routed slots dropped by capacity
  int64_t capacity = 0;       // per expert; 0 = dropless
  double balance_loss = 0;
  double z_loss = 0;
  double router_loss = 0;  // Router::AuxiliaryLoss, weighted by the router
};

// Everything Forward keeps for Backward, plus the routing and statistics.
template <class S>
struct MoeState {
  const S* x = nullptr;
  int64_t tokens = 0;
  bool training = false;
  std::vector<double> logits;  // [T x RouterColumns()]
  std::vector<S> gate_cache;   // factorised gates: the logits in S, [T x E r]
  // Router input jitter (Router::InputJitter, training only): u [T x d]
  // and the router's input x * u; both empty without jitter.
  std::vector<S> jitter, router_x;
  Routing routing;              // the router's output
  int64_t slots = 0;            // routed slots + shared experts
  std::vector<int32_t> expert;  // [T x slots] kept groups, -1 = none
  std::vector<S> weight;        // [T x slots] combine weights
  Dispatch dispatch;
  std::vector<S> sorted_weight;  // [rows]
  // Hidden rows packed per expert segment: row r of group g (sorted rows
  // offset[g] <= r < offset[g + 1]) starts at hidden_offset[g] +
  // (r - offset[g]) f_g; hidden_offset[G] is the total.
  std::vector<int64_t> hidden_offset;  // [groups + 1]
  std::vector<S> hidden;               // activation output
  std::vector<S> pre_g, pre_u;         // pre-activations (training), as hidden
  std::vector<S> slot_out;             // [T x slots x d] weighted expert outputs
  // Merged experts (Router::MergeGroup() > 0): per group of tokens the
  // merge weights [groups x E] and the merged expert [W_g | W_u | W_d]
  // [groups x 3 d f]; hidden, pre_g and pre_u are then [T x f].
  std::vector<S> merge_weight, merged;
  MoeStats stats;
};

struct AuxLossWeights {
  double balance = 0;
  double z = 0;
};

// The checks a layer runs on its router: (k, E) valid for it, and no layer
// option it cannot run with (a capacity_factor under a router that sets
// each expert's capacity itself). Throws expertlab::Error naming the key.
void CheckRouterFitsLayer(const Router& router, const MoeConfig& config);
// The same for a registered router spec (e.g. a config's `router` value).
void CheckRouterFitsLayer(const std::string& router_spec, const MoeConfig& config);
// The layer a registered router spec prescribes from a keyed shape
// (Router::LayerShape).
MoeConfig LayerShapeFor(const std::string& router_spec, const MoeConfig& keyed);

template <class S>
class MoeLayer {
 public:
  MoeLayer(const MoeConfig& config, std::unique_ptr<Router> router);
  // Takes `weights` (shapes checked) and packs them.
  MoeLayer(const MoeConfig& config, std::unique_ptr<Router> router, MoeWeights<S> weights);

  const MoeConfig& config() const { return config_; }
  Router& router() { return *router_; }
  const MoeWeights<S>& weights() const { return weights_; }
  // Mutable access; call Pack() after changing the weights. To change one
  // expert only (e.g. an offloading cache filling a slot), use
  // expert_weights_for_update() and PackExpert(g).
  MoeWeights<S>& mutable_weights() {
    packed_ = false;
    return weights_;
  }
  MoeWeights<S>& expert_weights_for_update() { return weights_; }
  // Repacks the weight panels (checks shapes, and values if check_numerics).
  void Pack();
  // Repacks expert g only (routed 0..E-1, then shared), after its slices of
  // w_gate / w_up / w_down changed (with factorised gates, a change of its
  // first factor, in the router block, needs Pack()).
  void PackExpert(int64_t g);
  void set_threads(int threads) { config_.threads = threads; }

  // y [T x d] from x [T x d]. `state` receives what Backward needs (x must
  // outlive it) plus routing and statistics. training=true keeps the
  // pre-activations and passes the flag to the router.
  void Forward(const S* x, int64_t tokens, S* y, MoeState<S>* state, bool training = false,
               Rng* rng = nullptr);

  // Given dy = dL/dy [T x d] for the last Forward(state, training=true):
  // dx [T x d] (overwritten) and grads (overwritten, same shapes as the
  // weights), including the auxiliary losses with weights `aux`.
  void Backward(const S* dy, MoeState<S>& state, S* dx, MoeWeights<S>* grads,
                const AuxLossWeights& aux = {});

  // Forward in two steps, for inference methods that act between routing
  // and compute (skip or swap experts, change k per token, fetch offloaded
  // experts first): Route fills the logits, the router's Routing, the kept
  // per-slot experts and weights (state->expert / weight, capacity applied,
  // shared experts appended) and the statistics; the caller may then edit
  // state->expert (-1 drops a slot) and state->weight; RunExperts sorts the
  // slots by expert, runs the grouped GEMMs and combines into y. With
  // merged experts RunExperts reads the slots of each group's first token
  // only (they are the group's merge weights).
  void Route(const S* x, int64_t tokens, MoeState<S>* state, bool training, Rng* rng);
  void RunExperts(S* y, MoeState<S>* state);

 private:
  void PackBackward();
  // Expert g's forward panels (gate/up, down) from weights_.
  void PackForwardPanels(int64_t g);
  EngineOptions Engine() const { return {config_.threads, config_.use_simd}; }
  // What the router is told about a call of T tokens.
  RouterContext Context(int64_t tokens, bool training, Rng* rng) const {
    return {tokens,        config_.experts,
            config_.top_k, training,
            rng,           expert_cost_.empty() ? nullptr : expert_cost_.data()};
  }

  // RunExperts' first GEMM: fused gate/up with the activation epilogue, or
  // with factorised gates two GEMMs from the router's cache and x.
  void FusedGateUp(MoeState<S>* state);
  void FactorisedGateUp(MoeState<S>* state);
  // Merged experts (Router::MergeGroup(), layer_merged.cc).
  void RunMergedExperts(S* y, MoeState<S>* state);
  void MergedBackward(const S* dy, MoeState<S>& state, S* dx, MoeWeights<S>* grads,
                      const AuxLossWeights& aux);
  // Route's steps.
  void ComputeRouterLogits(MoeState<S>* state, Rng* rng);
  void AssignSlotsWithinCapacity(MoeState<S>* state) const;
  void ComputeAuxiliaryStatistics(MoeState<S>* state) const;
  // Backward's steps, in order; each reads the scratch the previous wrote.
  void DownProjectionBackward(const S* dy, const MoeState<S>& state);
  void ActivationBackward(const S* dy, const MoeState<S>& state);
  void SlotWeightGradients(const MoeState<S>& state);
  void RouterBackward(const MoeState<S>& state, const AuxLossWeights& aux);
  // dW_r = X^T dZ and dx = dZ W_r^T (stored) appended to problems_.
  void AddRouterProducts(const MoeState<S>& state, S* dx, MoeWeights<S>* grads);
  void GateCacheBackward(const MoeState<S>& state);
  void WeightGradientGemms(const MoeState<S>& state, S* dx, MoeWeights<S>* grads);
  void CombineSlotGradients(const MoeState<S>& state, S* dx) const;

  MoeConfig config_;
  std::unique_ptr<Router> router_;
  MoeWeights<S> weights_;
  std::vector<double> expert_cost_;  // [E] width / mean width; empty = uniform
  bool packed_ = false;
  bool packed_backward_ = false;
  PackedPanels<S> router_panels_;               // [d x RouterColumns()]
  std::vector<PackedPanels<S>> up_panels_;      // gate/up (or W_1), K = d
  std::vector<PackedPanels<S>> down_panels_;    // W_d, K = f
  std::vector<PackedPanels<S>> down_t_panels_;  // W_d^T, K = d (backward)
  std::vector<PackedPanels<S>> up_t_panels_;    // [W_g^T; W_u^T], K = 2f or f
  PackedPanels<S> router_t_panels_;             // W_r^T, K = RouterColumns()
  // Factorised gates only: B_g (K = r) and B_g^T (K = f); up_panels_ then
  // hold W_u alone (K = d) and up_t_panels_ W_u^T (K = f).
  std::vector<PackedPanels<S>> gate_panels_, gate_t_panels_;
  // Scratch reused across calls (no allocation once sizes are reached).
  std::vector<GemmProblem<S>> problems_;
  std::vector<S> logits_scratch_;
  std::vector<S> grad_scratch_;  // z = dy W_d^T per sorted row, laid out as hidden
  std::vector<S> dgu_;           // [dG dU] (SwiGLU) or dG per row: 2 or 1 x hidden
  std::vector<S> dys_;           // [rows x d] w dy per sorted row
  std::vector<S> dxs_;           // [rows x d] dx per sorted row
  std::vector<S> dlogits_s_;     // [T x RouterColumns()] d_logits_ in S
  std::vector<S> dmerged_;       // merged experts: dL/d merged expert, as MoeState::merged
  std::vector<PackedPanels<S>> merged_t_panels_;  // merged: per group W_d^T, [W_g^T; W_u^T]
  std::vector<S> dcache_;  // factorised gates: dL/dc from the experts, as dlogits_s_
  std::vector<double> d_row_weight_, d_weight_, d_probs_, d_logits_;
};

}  // namespace expertlab::moe
