// SEUF (first circulated as UOE): unlearning in an MoE model confined to
// the one expert the forget set relies on most. H. Zhuang, Y. Zhang,
// K. Guo, J. Jia, G. Liu, S. Liu, X. Zhang, "SEUF: Is unlearning one
// expert enough for mixture-of-experts LLMs?", ACL 2025.
//
// Gate scores (Sec. 3): s_t = softmax(z_t) of the router logits z_t and
// g_{i,t} = s_{i,t} when expert i is among position t's top K, else 0 (the
// raw, not renormalised, weights).
// Expert attribution (Eq. 2): the affinity of expert i of block l to the
// forget set is its mean gate score within each sequence, averaged over
// the Z sequences of a calibration subset,
//   a_i^(l) = 1/Z sum_j 1/L_j sum_{t in j} g_{i,t}^(l),
// with the experts of all blocks ranked together; the paper's SEUF unlearns
// the top M = 1.
// Objective (Eq. 1): min l_f(D_f) + lambda l_r(D_r) + alpha L_anchor, with
// only the chosen experts and the routers of their blocks trained; gradient
// ascent (GA) takes l_f = -CE and lambda = 0, gradient difference (GDiff)
// l_f = -CE, l_r = CE.
// Anchor (Eq. 4): L_anchor = mean over the forget positions of
// ||gate_t - a||^2 with a the indicator of the chosen expert (for several
// chosen experts in one block, their indicator over their count, so that a
// sums to one like the gate). The paper writes gate = g; with g the target
// coordinate gets no gradient once it has left the top K, so the full
// softmax s is the default and g an option.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/train/adamw.h"
#include "algorithms/moe/train/sequence_model.h"

namespace expertlab::moe {

struct ExpertId {
  int64_t block = 0, expert = 0;
  bool operator==(const ExpertId& o) const { return block == o.block && expert == o.expert; }
};

// g [T x E] of one block: softmax(logits_t)_i for the routed experts i of
// position t (`expert` [T x slots], ids >= E are shared experts and -1 an
// empty slot, both skipped), 0 elsewhere. logits: [T x E].
std::vector<double> TopKGateScores(const double* logits, const int32_t* expert, int64_t T,
                                   int64_t E, int64_t slots);

// Eq. 2 for one block: g [sequences * length x E]; `counted` (empty: every
// position) marks the positions of the forget text; a sequence without a
// counted position is skipped. Throws when no sequence has one.
std::vector<double> ExpertAffinity(const std::vector<double>& g, int64_t sequences, int64_t length,
                                   int64_t E, const std::vector<char>& counted);

// The m experts of highest affinity (affinity[block][expert]), ties to the
// lower block then expert; `within_block`: the m highest of the block that
// holds the highest one. Throws when m < 1 or m exceeds the experts there.
std::vector<ExpertId> TopAffinityExperts(const std::vector<std::vector<double>>& affinity,
                                         int64_t m, bool within_block);

// The anchor loss of one block toward `targets` (experts of that block, at
// least one, distinct), over the counted positions (empty: all) of logits
// [T x E] with routing `expert` [T x slots]; `topk_gate`: the gate is g
// rather than s. Adds scale * d L / d logits into d_logits [T x E].
double AnchorLoss(const double* logits, const int32_t* expert, int64_t T, int64_t E, int64_t slots,
                  const std::vector<int32_t>& targets, bool topk_gate,
                  const std::vector<char>& counted, double scale, double* d_logits);

// grad [d x E] += x^T d_logits, x [T x d]: the router matrix's share of a
// loss on the logits z = x W_r.
template <class S>
void AddRouterGradient(const S* x, const double* d_logits, int64_t T, int64_t d, int64_t E,
                       S* grad);

// The parameters an unlearning arm updates, as views into model.Params()
// (each gradient at its value's offset): the whole model; or, with
// `targets` non-empty, those experts (their W_g, W_u, W_d) plus, with
// `routers`, the router of each block holding one; or, with `targets`
// empty and `routers`, every block's router.
std::vector<ParamRef<float>> UnlearnedParams(SequenceModel<float>& model,
                                             const std::vector<ExpertId>& targets, bool routers,
                                             bool whole_model);

}  // namespace expertlab::moe
