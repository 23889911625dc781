// The model keys the MoE training experiments share (d_model, blocks,
// d_ff, E, k, capacity_factor, router, balance, z), read into a model's
// configuration: MoeModel's ModelConfig or SequenceModel's SequenceConfig.
#pragma once

#include "sim/params.h"

namespace expertlab::experiments {

template <class ModelConfigType>
void ReadMoeModelKeys(const Params& p, ModelConfigType* c) {
  c->d_model = p.Int("d_model");
  c->blocks = p.Int("blocks");
  c->moe.d_ff = p.Int("d_ff");
  c->moe.experts = p.Int("E");
  c->moe.top_k = p.Int("k");
  c->moe.capacity_factor = p.Double("capacity_factor");
  c->router = p.String("router");
  c->aux = {p.Double("balance"), p.Double("z")};
}

}  // namespace expertlab::experiments
