// One router trained on one synthetic routing task per cell, shared by the
// routing experiments (routing_compare, routing_balance,
// routing_specialization, routing_top_p, routing_smoe_dropout,
// routing_granularity): draw a task with known clusters
// (algorithms/moe/train/routing_tasks.h), train a feature-input MoE model
// (algorithms/moe/train.h: linear input, `blocks` pre-norm MoE blocks,
// linear head, MSE) with AdamW on fresh mini-batches, and score the
// router's assignment on a held-out set against the latent clusters
// (algorithms/moe/train/routing_metrics.h).
//
// Random streams (common random numbers). The task, the training batches,
// the validation set and the model's initial weights come from
// CellContext::DataStream, keyed by the task and model-shape keys and the
// replicate only, so every router of one replicate trains the same
// initial model on the same examples in the same order and results are
// compared as paired differences. A stochastic router draws from the
// cell's stream 0. A study whose own keys reshape the layer
// (LayerShape) leaves them out of the data keys: its arms share the task,
// batches and validation set, their initial weights differing with the
// shapes.
//
// Long cells resume: the training saves its state (model, AdamW moments,
// router state, stream positions) when the sweep stops and every 30 s
// (experiments/training_checkpoints.h), and a rerun goes on from there with
// the rows of an uninterrupted run.
//
// Rows, at log-spaced steps (per_octave a doubling) and at `steps`:
//   val_mse, load_entropy, dead_experts, experts_per_token, nmi
// and at `steps` only:
//   load_cv, max_load, drop_rate, zero_expert_rate, purity,
//   oracle_agreement         (top-1 routing against the best one-to-one
//                            map of clusters to experts, routing_metrics.h)
//   active_width             hidden units of the kept routed experts per
//                            token (k d_ff for a uniform layer of k; d_ff
//                            for SMEAR's one merged expert)
//   active_flops_per_token   per block, SwiGLU: active_width x (2 g + 4 d)
//                            (g = d, or r for AoE's gates continued from
//                            the caches) + shared experts x d_ff x 6 d +
//                            2 d x router columns (E, or E r: AoE's caches
//                            of every expert) + SMEAR's merge, 6 d d_ff E
//                            per group of tokens
//   diverged                 1 if a training loss was not finite (training
//                            stops; the cell's other final rows are absent)
//   theory.bayes_mse         noise^2, the least reachable val_mse
//   experts_by_cluster.<c>, mse_by_cluster.<c>   per latent cluster c
//                            (block 0's experts per token)
//   width_by_cluster.<c>     with heterogeneous experts: block 0's active
//                            hidden units per token of cluster c
//   val_mse_at_k.<k>, experts_at_k.<k>   with eval_ks: the trained weights
//                            evaluated with k = 1..E experts per token at
//                            inference (SMoE-Dropout's eval_k, the layer's
//                            k for the other routers)
//   groups_per_token, group_nmi   hierarchical tasks with `super`
//                            dividing E: the experts in `super` contiguous
//                            groups (devices), distinct groups per token
//                            and the NMI of a token's main group with its
//                            super-cluster (routing_metrics.h)
//   heldout_mse              with holdout_tasks > 0: the MSE on tasks kept
//                            out of training (held-out skill compositions)
#pragma once

#include <string>
#include <vector>

#include "algorithms/moe/train.h"
#include "algorithms/moe/train/routing_tasks.h"
#include "sim/experiment.h"

namespace expertlab::experiments {

// Validation MSE of a trained model's weights run with another router spec
// (the same layer shape and k): inference-time probes.
double ValidationMseWith(moe::MoeModel<float>& trained, const std::string& router,
                         const moe::RoutingSample& val);

// `spec` with key=value set (replaced when present).
std::string SpecWithArg(const std::string& spec, const std::string& key, const std::string& value);

class RoutingStudy : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override;
  std::vector<std::string> DataKeys() const override;
  // Errors when the router cannot run with (k, E) or the layer's options.
  void CheckCell(const Params& params) const override;
  void RunCell(const Params& params, CellContext& context) const override;

 protected:
  // The task of a cell from its keys; a study with task keys of its own
  // (routing_smear's example_tokens) extends it.
  virtual moe::RoutingTaskSpec TaskSpec(const Params& params) const;
  // The layer of the cell's model from its keyed shape (d_ff, E, k) as
  // the router prescribes it (Router::LayerShape, applied by
  // ReadMoeModelKeys): a study that reshapes
  // the layer by keys of its own (routing_granularity, routing_hetero)
  // overrides it.
  virtual moe::MoeConfig LayerShape(const Params& /*params*/,
                                    const moe::MoeConfig& router_shaped) const {
    return router_shaped;
  }
  // A study's own rows from the trained model, recorded at step `steps`
  // after the common final rows. Default: none.
  virtual void RecordTrained(const Params& /*params*/, moe::MoeModel<float>& /*trained*/,
                             const moe::RoutingSample& /*val*/, CellContext& /*context*/) const {}

 private:
  moe::ModelConfig Model(const Params& params) const;
};

}  // namespace expertlab::experiments
