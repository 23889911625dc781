// Family interface: the router of a sparse mixture-of-experts layer.
//
// A router turns the logits z = x W_r (one row per token, one column per
// expert) into a sparse assignment: for every token a fixed number of slots,
// each naming an expert (or -1 for "none") and a combine weight. It also
// returns the router probabilities every auxiliary loss needs (load balance,
// z-loss) and, in Backward, the gradient of the logits from the gradients of
// the combine weights and of the probabilities. The layer (layer.h) owns
// capacity, dispatch and the experts; routers never see them.
//
// Why a fixed slot count per token: the layer's dispatch is a counting sort
// over T x slots entries, which stays O(T slots) and deterministic for every
// router in the zoo. Top-k routers use slots = k; a router that gives a token a
// variable number of experts (expert choice, threshold routing) asks for more
// slots and leaves the unused ones at -1, which cost nothing in the kernels.
//
// Routing runs in double: it is O(T E) work against O(T k d f) in the
// experts, and double makes ties and the gradient check unambiguous.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/bytes.h"
#include "sim/rng.h"

namespace expertlab::moe {

struct MoeConfig;  // layer.h

// What the layer tells the router about the current call.
struct RouterContext {
  int64_t tokens = 0;
  int64_t experts = 0;
  int64_t top_k = 1;  // the layer's k (routers may ignore it)
  bool training = false;
  Rng* rng = nullptr;  // for stochastic routers (noise, sampling); may be null
  // [experts] relative cost of each routed expert, its hidden width over
  // the mean width (heterogeneous experts, MoeConfig::expert_widths); null
  // when every expert has the same width (cost 1).
  const double* expert_cost = nullptr;
};

// A sparse assignment of tokens to experts.
struct Routing {
  int64_t tokens = 0;
  int64_t experts = 0;
  int64_t slots = 0;            // per token
  std::vector<int32_t> expert;  // [tokens * slots]; -1 = empty slot
  std::vector<double> weight;   // [tokens * slots]; combine weights
  std::vector<double> probs;    // [tokens * experts]; router probabilities

  int32_t Expert(int64_t t, int64_t s) const { return expert[t * slots + s]; }
  double Weight(int64_t t, int64_t s) const { return weight[t * slots + s]; }
  void Resize(int64_t t, int64_t e, int64_t s) {
    tokens = t;
    experts = e;
    slots = s;
    expert.assign(t * s, -1);
    weight.assign(t * s, 0.0);
    probs.assign(t * e, 0.0);
  }
};

class Router {
 public:
  static constexpr const char* kFamily = "moe router";
  virtual ~Router() = default;

  // Slots per token this router fills for the given k and E. Throws
  // expertlab::Error when the pair is invalid for the router.
  virtual int64_t Slots(int64_t top_k, int64_t experts) const = 0;

  // logits: [tokens x experts] row-major ([tokens x experts * GateRank()]
  // for a router of factorised gates). Fills `out` (resized here). Within
  // one token the filled slots come first and name distinct experts.
  virtual void Route(const RouterContext& context, const double* logits, Routing* out) = 0;

  // d_logits[t, e] = dL/dz[t, e] given dL/dweight (d_weight, [tokens x
  // slots]) and dL/dprobs (d_probs, [tokens x experts], or null for zero).
  // The selection is piecewise constant in z and contributes no gradient.
  virtual void Backward(const RouterContext& context, const double* logits, const Routing& routing,
                        const double* d_weight, const double* d_probs, double* d_logits) const = 0;

  // False for a router whose matrix W_r stays at its initial values (a
  // frozen random router): the layer then reports a zero gradient for W_r,
  // while dL/dx still flows through the logits.
  virtual bool LearnsRouterWeights() const { return true; }

  // The router's own auxiliary loss for the last Route (e.g. top-p's
  // entropy loss), already weighted by the router's coefficient, which is
  // a parameter of the router with the paper's value as default. When
  // d_logits is not null its gradient with respect to the logits is added
  // to it (+=). The layer reports it (MoeStats::router_loss) and adds it to
  // the training objective. Default: no such loss.
  virtual double AuxiliaryLoss(const RouterContext& /*context*/, const double* /*logits*/,
                               const Routing& /*routing*/, double* /*d_logits*/) const {
    return 0;
  }

  // Weight alpha of a consistency regulariser that the router asks the
  // training loop for: every training example runs through the model twice
  // with independent routing draws, and alpha times the symmetric KL
  // divergence between the two output distributions joins the loss (THOR).
  // The models implement it (train.h, sequence_model.h); 0 = one pass.
  virtual double ConsistencyWeight() const { return 0; }

  // Multiplicative jitter eps on the router's input in training: the layer
  // computes the logits from x * u, u ~ U(1 - eps, 1 + eps) per entry
  // (Switch Transformers), and back-propagates through it. 0 = none.
  virtual double InputJitter() const { return 0; }

  // r > 0 for a router that scores the caches of factorised gates
  // (Autonomy-of-Experts): the layer must have MoeConfig::gate_rank = r,
  // and the router's logits and their gradient are the caches c_e = x A_e,
  // r columns per expert. 0: one logit per expert.
  virtual int64_t GateRank() const { return 0; }

  // G > 0 for a router whose experts are merged, not mixed (SMEAR): the
  // layer averages the experts' parameters with each group's combine
  // weights (the slots of the group's first token; groups of G
  // consecutive tokens, the last one possibly shorter) and runs the one
  // merged expert on the group's tokens. The router gives every token of
  // a group the same slots, and its Backward sums d_weight over the
  // group's tokens (the layer puts the group's gradient on its first
  // token). 0: the experts' outputs are mixed.
  virtual int64_t MergeGroup() const { return 0; }

  // True for a router that fills every expert to a capacity of its own
  // (expert choice): a layer capacity on top of it would drop tokens the
  // router already placed, so the layer refuses a capacity_factor > 0.
  virtual bool SetsExpertCapacity() const { return false; }

  // The layer shape the router's method prescribes, from the shape a
  // study keys (E experts of width d_ff, top-k): DeepSeekMoE's fine-grained
  // and shared experts, HMoE's experts of different widths. Whoever builds
  // the layer's MoeConfig applies it once (LayerShapeFor, layer.h), as the
  // experiments' model keys do (experiments/moe_model_keys.h). Default:
  // unchanged.
  virtual MoeConfig LayerShape(const MoeConfig& keyed) const;

  // Checkpoints of a training run: the router's own state (counters, a
  // current mask; not its scratch). Default: a stateless router.
  virtual void SaveState(ByteWriter& /*out*/) const {}
  virtual void RestoreState(ByteReader& /*in*/) {}
};

// Row-wise softmax of logits [rows x cols] into probs (max-shifted).
void SoftmaxRows(const double* logits, int64_t rows, int64_t cols, double* probs);

// The experts of one token in decreasing probability, ties to the lower
// index (order is resized to `experts`).
void ExpertsByProbability(const double* probs, int64_t experts, std::vector<int32_t>* order);

// Token t's first `count` slots: experts order[0..count) with weights
// probs[order[s]] * scale (probs is the token's row).
void FillSlots(int64_t t, const int32_t* order, int64_t count, const double* probs, double scale,
               Routing* out);

// dL/dp of routers whose combine weights are the router probabilities of
// the filled slots (w = p_e), or those probabilities renormalised over the
// token's filled slots (w = p_e / sum of the filled p): adds to d_probs
// [tokens x experts] (+=) from d_weight [tokens x slots].
void SelectedProbsBackward(const Routing& routing, const double* d_weight, bool renormalized,
                           double* d_probs);

// The whole Backward of a router whose probabilities are softmax(z) and
// whose weights are selected probabilities (SelectedProbsBackward): d_logits
// [tokens x experts] is overwritten; `scratch` holds dL/dp.
void SelectedSoftmaxBackward(const Routing& routing, const double* d_weight, const double* d_probs,
                             bool renormalized, std::vector<double>* scratch, double* d_logits);

// A loss linear in the mean router probabilities, L = sum_e w_e Phat_e
// with Phat_e = mean_t probs[t, e], whose weights w ([experts]) are
// functions of the selection counts held constant in the gradient, as in
// the Switch balance loss and its kin (DeepSeekMoE's device loss, HMoE's
// P-Penalty). Returns L; when d_logits is not null, adds dL/dz through the
// softmax (+=), using `scratch` for dL/dp.
double MeanProbabilityLoss(const Routing& routing, const std::vector<double>& weight,
                           double* d_logits, std::vector<double>* scratch);

// Backward of SoftmaxRows: dz = p * (dp - <p, dp>) row by row, accumulated
// into d_logits (+=).
void SoftmaxRowsBackward(const double* probs, const double* d_probs, int64_t rows, int64_t cols,
                         double* d_logits);

}  // namespace expertlab::moe
