// Merging and compressing the experts of a trained MoE layer (M-SMoE and
// MC-SMoE).
//
// Paper: P. Li, Z. Zhang, P. Yadav, Y.-L. Sung, Y. Cheng, M. Bansal,
// T. Chen, "Merge, then compress: demystify efficient SMoE with hints from
// its routing policy", ICLR 2024. Post-training, on calibration tokens:
//   1. usage frequency  f_e = share of tokens whose top-1 expert is e;
//   2. similarity       cosine between experts' router-logit columns;
//   3. dominant experts a global budget of Gbar groups per layer on
//                       average: every layer's most used expert counts as
//                       frequency 1, the frequencies of all layers are
//                       pooled and cut at the (Gbar L + 1)-th largest
//                       theta; layer l keeps G_l = #{f > theta} groups
//                       (all experts when Gbar = E; ties at theta
//                       leave fewer than Gbar L in all). Its G_l most used
//                       experts are the group cores, every other expert
//                       joins the core its router column is most similar to;
//   4. alignment        each member's hidden units permuted to its core by
//                       weight matching: the permutation P maximising
//                       <W_g^core, W_g P> + <W_u^core, W_u P> +
//                       <W_d^core, P^T W_d> (a linear assignment on the
//                       d_ff x d_ff unit similarities, Hungarian method),
//                       which leaves the member's function unchanged;
//   5. merge            W_group = sum_e f_e W_e / sum_e f_e, written into
//                       every member: the router is unchanged and every
//                       member id now names the merged expert.
// MC-SMoE then compresses each merged matrix to low rank plus sparse,
// W ~ U V + S (the LoSparse form): U V the best rank-r approximation (SVD,
// Eckart-Young), S the largest-magnitude share of the residual's entries.
// The paper prunes S iteratively by a sensitivity score while it fine-
// tunes with distillation; without fine-tuning the magnitude of the
// residual is the importance that remains (a one-shot form).
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/layer.h"

namespace expertlab::moe {

// f_e over `tokens` rows of router logits (row stride `stride`): the share
// whose largest logit is expert e's (ties: the lower id).
std::vector<double> TopOneFrequencies(const double* logits, int64_t tokens, int64_t experts,
                                      int64_t stride);

// [experts x experts] cosine similarity of the logit columns (0 where a
// column is all zero).
std::vector<double> RouterLogitSimilarity(const double* logits, int64_t tokens, int64_t experts,
                                          int64_t stride);

// G_l for each layer from the layers' frequencies and the average budget
// `average_groups` in [1, E] (an Error otherwise, or for ragged layers).
std::vector<int64_t> GroupsPerLayer(const std::vector<std::vector<double>>& frequencies,
                                    int64_t average_groups);

// Expert ids by decreasing frequency (ties: the lower id).
std::vector<int32_t> ExpertsByFrequency(const std::vector<double>& frequency);

// group_of[e] = the core expert of e's group: the `groups` most frequent
// experts (ties: the lower id) are cores, every other expert joins its most
// similar core (similarity [E x E]). groups in [1, E], an Error otherwise.
std::vector<int32_t> GroupAroundDominant(const std::vector<double>& frequency,
                                         const std::vector<double>& similarity, int64_t groups);

// The weight-matching permutation of `target`'s hidden units onto
// `reference`'s: unit perm[i] of target goes to position i. Both experts
// need the same width and full (not factorised) gates.
template <class S>
std::vector<int64_t> AlignHiddenUnits(const MoeWeights<S>& w, int64_t reference, int64_t target);

// Reorders expert e's hidden units: new unit i = old unit perm[i].
template <class S>
void PermuteHiddenUnits(MoeWeights<S>* w, int64_t expert, const std::vector<int64_t>& perm);

// Merges every group of `group_of` (the core expert id of each routed
// expert) into sum c_e W_e / sum c_e with c = `weights` (frequencies, or
// ones for plain averaging), members first aligned to their core when
// `align`. A group whose weights sum to 0 is averaged uniformly.
template <class S>
void MergeExpertGroups(MoeWeights<S>* w, const std::vector<int32_t>& group_of,
                       const std::vector<double>& weights, bool align);

// The best rank-`rank` approximation of the row-major [rows x cols] w in
// Frobenius norm (Eckart-Young: the SVD truncated), by one-sided Jacobi.
std::vector<double> BestRankApproximation(const std::vector<double>& w, int64_t rows, int64_t cols,
                                          int64_t rank);

// Replaces the row-major [rows x cols] matrix by U V + S: its best rank
// `rank` approximation plus the round(keep * rows * cols) largest-magnitude
// entries of the residual. Returns the parameters that form stores,
// rank (rows + cols) + the entries kept in S (counted even when zero). rank >= 0, keep in [0, 1].
template <class S>
int64_t LowRankPlusSparse(S* matrix, int64_t rows, int64_t cols, int64_t rank, double keep);

}  // namespace expertlab::moe
