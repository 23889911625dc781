// Reference implementations of the MoE expert computation, kept for tests
// and benchmarks. Both take the routing the layer computed (MoeState:
// expert and weight per (token, slot), shared experts included), so they
// check the experts, dispatch and combine independently of routing ties.
//
//   NaiveForward            a per-token, per-slot loop of plain dot products
//                           (the definition, written for clarity only)
//   GatherGemmScatterForward  per expert: copy the expert's rows into a
//                           buffer, Eigen GEMMs, scatter-add back; the
//                           per-expert loop of Hugging Face transformers'
//                           Mixtral block (MixtralSparseMoeBlock)
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/layer.h"

namespace expertlab::moe {

// The per-expert loop's data movement, shared by the Eigen reference here
// and the OpenBLAS one (dense_blas.h). `slot_rows` are flat (token, slot)
// indices i = t * slots + s.
//   SlotsOfGroup    the indices routed to group g, in order
//   GatherRows      dst row r = x row of token slot_rows[r] / slots
//   ScatterAddRows  y row of that token += weight[slot_rows[r]] * src row r
void SlotsOfGroup(const int32_t* expert, int64_t tokens, int64_t slots, int64_t g,
                  std::vector<int64_t>* slot_rows);
template <class S>
void GatherRows(const S* x, int64_t d, int64_t slots, const std::vector<int64_t>& slot_rows,
                S* dst);
template <class S>
void ScatterAddRows(const S* src, int64_t d, int64_t slots, const std::vector<int64_t>& slot_rows,
                    const S* weight, S* y);

template <class S>
void NaiveForward(const MoeConfig& config, const MoeWeights<S>& weights, const S* x, int64_t tokens,
                  int64_t slots, const int32_t* expert, const S* weight, S* y);

// threads: Eigen's OpenMP threads for its GEMMs.
template <class S>
void GatherGemmScatterForward(const MoeConfig& config, const MoeWeights<S>& weights, const S* x,
                              int64_t tokens, int64_t slots, const int32_t* expert, const S* weight,
                              S* y, int threads = 1);

}  // namespace expertlab::moe
