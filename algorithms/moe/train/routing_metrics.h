// Routing metrics: load balance, capacity, compute and specialisation of a
// router's assignment, scored against the data's latent clusters.
//
// Load balance (per layer): f_e = routed (token, slot) pairs of expert e
// over all routed pairs, before capacity;
//   load entropy   H(f) / log E (1 = uniform, 0 = one expert)
//   load CV        std(f) / mean(f) (population std)
//   max load       max_e E f_e
//   dead experts   #{e : f_e < 0.1 / E}
// Capacity and compute: drop rate = routed pairs dropped by capacity over
// routed pairs; zero-expert rate = tokens left with no routed expert;
// experts per token = kept routed slots / tokens.
// Specialisation: NMI(top-1 expert, cluster) = 2 I(A; B) / (H(A) + H(B))
// (A. Strehl, J. Ghosh, "Cluster ensembles", JMLR 3, 2002, uses the
// geometric mean; the arithmetic mean here is N. X. Vinh, J. Epps, J. Bailey,
// "Information theoretic measures for clusterings comparison", JMLR 11,
// 2010, Table 2, NMI_sum), 0 when both labelings are constant; purity =
// share of tokens whose top-1 expert is the majority expert of their cluster;
// oracle agreement = share of tokens routed where the best oracle router
// would route them, the oracle sending each cluster to its own expert (a
// one-to-one matching of clusters and experts, chosen to maximise the
// agreement: the assignment problem, solved by the Hungarian method, H. W.
// Kuhn, "The Hungarian method for the assignment problem", Naval Research
// Logistics Quarterly 2, 1955; with more clusters than experts, the
// unmatched clusters count as disagreement).
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/moe/layer.h"

namespace expertlab::moe {

struct RoutingSummary {
  double load_entropy = 0;
  double load_cv = 0;
  double max_load = 0;
  int64_t dead_experts = 0;
  double drop_rate = 0;
  double zero_expert_rate = 0;
  double experts_per_token = 0;
  double nmi = 0;
  double purity = 0;
  double oracle_agreement = 0;
};

// H(f) / log E of a load vector (counts or fractions); 1 when E = 1.
double NormalizedLoadEntropy(const std::vector<double>& load);
// std / mean of a load vector; 0 when all loads are 0.
double LoadCoefficientOfVariation(const std::vector<double>& load);
// 2 I(a; b) / (H(a) + H(b)) for labels a in [0, na), b in [0, nb).
double NormalizedMutualInformation(const int32_t* a, int64_t na, const int32_t* b, int64_t nb,
                                   int64_t n);
// Share of items whose label a is the most frequent a within their b.
double Purity(const int32_t* a, int64_t na, const int32_t* b, int64_t nb, int64_t n);
// The largest share of items with a = m(b) over one-to-one maps m from
// labels b to labels a (above).
double OracleAgreement(const int32_t* a, int64_t na, const int32_t* b, int64_t nb, int64_t n);
// The assignment problem: the largest sum of weight[i][m(i)] over
// one-to-one maps m of rows to columns (rows x cols, row-major; the smaller
// side is matched completely). O(max(rows, cols)^3). `column_of_row`, when
// given, receives m ([rows], -1 for a row left unmatched).
double MaxWeightMatching(const std::vector<double>& weight, int64_t rows, int64_t cols,
                         std::vector<int64_t>* column_of_row = nullptr);

// The summary of one layer's last forward, with clusters [tokens] the latent
// labels in [0, clusters). Top-1 = the most probable expert (ties: lower).
template <class S>
RoutingSummary SummarizeRouting(const MoeState<S>& state, int64_t experts, const int32_t* clusters,
                                int64_t num_clusters);

// Expert groups (devices, simulated): E experts in G contiguous groups of
// E / G. groups_per_token = mean distinct groups among a token's kept
// routed experts (tokens dispatched across devices: SAM's communication
// proxy, 1 for SAM, up to k for a flat top-k); nmi = NMI of the group of a
// token's largest-weight kept expert (label G: none kept) with `labels`
// (e.g. super-clusters).
struct GroupSummary {
  double groups_per_token = 0;
  double nmi = 0;
};
template <class S>
GroupSummary SummarizeGroups(const MoeState<S>& state, int64_t experts, int64_t groups,
                             const int32_t* labels, int64_t num_labels);

// Mean kept routed experts per token of each label in [0, num_labels)
// (0 for a label with no token); with `expert_weight` ([experts]), each
// kept expert counts its weight instead of 1 (e.g. its hidden width).
template <class S>
std::vector<double> ExpertsPerTokenByLabel(const MoeState<S>& state, int64_t experts,
                                           const int32_t* labels, int64_t num_labels,
                                           const double* expert_weight = nullptr);

// Mean over tokens of the summed hidden widths of a token's kept routed
// experts (config's Width; k d_ff for k experts of a uniform layer).
template <class S>
double ActiveWidthPerToken(const MoeState<S>& state, const MoeConfig& config);

}  // namespace expertlab::moe
