// The model keys the MoE training experiments share (d_model, blocks,
// d_ff, E, k, capacity_factor, router, balance, z), read into a model's
// configuration: MoeModel's ModelConfig or SequenceModel's SequenceConfig.
// The layer is the one the router prescribes from the keyed shape
// (Router::LayerShape: DeepSeekMoE's fine-grained experts, HMoE's widths).
#pragma once

#include "algorithms/moe/layer.h"
#include "sim/check.h"
#include "sim/params.h"

namespace expertlab::experiments {

template <class ModelConfigType>
void ReadMoeModelKeys(const Params& p, ModelConfigType* c) {
  c->d_model = p.Int("d_model");
  c->blocks = p.Int("blocks");
  c->moe.d_model = c->d_model;  // the router's LayerShape may need it
  c->moe.d_ff = p.Int("d_ff");
  c->moe.experts = p.Int("E");
  c->moe.top_k = p.Int("k");
  c->moe.capacity_factor = p.Double("capacity_factor");
  c->router = p.String("router");
  c->aux = {p.Double("balance"), p.Double("z")};
  c->moe = moe::LayerShapeFor(c->router, c->moe);
  EXPERTLAB_CHECK(c->aux.z == 0 || c->moe.gate_rank == 0)
      << "z: the router z-loss needs one logit per expert, which a router of factorised gates "
         "("
      << c->router << ") does not have; set z = 0";
}

}  // namespace expertlab::experiments
