#include "algorithms/moe/train/routing_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/check.h"

namespace expertlab::moe {
namespace {

double EntropyOfCounts(const std::vector<double>& counts) {
  double total = 0, h = 0;
  for (double c : counts) total += c;
  if (total <= 0) return 0;
  for (double c : counts)
    if (c > 0) h -= (c / total) * std::log(c / total);
  return h;
}

// Joint counts [na x nb] of two labelings.
std::vector<double> JointCounts(const int32_t* a, int64_t na, const int32_t* b, int64_t nb,
                                int64_t n) {
  std::vector<double> joint(na * nb, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    EXPERTLAB_CHECK(a[i] >= 0 && a[i] < na && b[i] >= 0 && b[i] < nb)
        << "routing metrics: label pair (" << a[i] << ", " << b[i] << ") outside [0, " << na
        << ") x [0, " << nb << ")";
    joint[a[i] * nb + b[i]] += 1;
  }
  return joint;
}

}  // namespace

double NormalizedLoadEntropy(const std::vector<double>& load) {
  if (load.size() <= 1) return 1.0;
  return EntropyOfCounts(load) / std::log(double(load.size()));
}

double LoadCoefficientOfVariation(const std::vector<double>& load) {
  if (load.empty()) return 0;
  double mean = 0;
  for (double v : load) mean += v;
  mean /= double(load.size());
  if (mean <= 0) return 0;
  double var = 0;
  for (double v : load) var += (v - mean) * (v - mean);
  return std::sqrt(var / double(load.size())) / mean;
}

double NormalizedMutualInformation(const int32_t* a, int64_t na, const int32_t* b, int64_t nb,
                                   int64_t n) {
  const std::vector<double> joint = JointCounts(a, na, b, nb, n);
  std::vector<double> ma(na, 0.0), mb(nb, 0.0);
  for (int64_t i = 0; i < na; ++i)
    for (int64_t j = 0; j < nb; ++j) {
      ma[i] += joint[i * nb + j];
      mb[j] += joint[i * nb + j];
    }
  const double ha = EntropyOfCounts(ma), hb = EntropyOfCounts(mb);
  if (ha + hb <= 0) return 0;
  // I = H(a) + H(b) - H(a, b).
  return 2.0 * (ha + hb - EntropyOfCounts(joint)) / (ha + hb);
}

double Purity(const int32_t* a, int64_t na, const int32_t* b, int64_t nb, int64_t n) {
  if (n == 0) return 0;
  const std::vector<double> joint = JointCounts(a, na, b, nb, n);
  double kept = 0;
  for (int64_t j = 0; j < nb; ++j) {
    double best = 0;
    for (int64_t i = 0; i < na; ++i) best = std::max(best, joint[i * nb + j]);
    kept += best;
  }
  return kept / double(n);
}

double MaxWeightMatching(const std::vector<double>& weight, int64_t rows, int64_t cols,
                         std::vector<int64_t>* column_of_row) {
  // Kuhn-Munkres with potentials on the square n x n cost -weight (padded
  // with zeros), rows added one at a time along shortest augmenting paths.
  const int64_t n = std::max(rows, cols);
  if (column_of_row) column_of_row->assign(rows, -1);
  if (n == 0) return 0;
  const auto cost = [&](int64_t i, int64_t j) {
    return i < rows && j < cols ? -weight[i * cols + j] : 0.0;
  };
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(n + 1, 0.0);
  std::vector<int64_t> match(n + 1, 0), way(n + 1, 0);  // match[j]: row of column j (1-based)
  for (int64_t i = 1; i <= n; ++i) {
    match[0] = i;
    int64_t j0 = 0;
    std::vector<double> least(n + 1, inf);
    std::vector<char> used(n + 1, 0);
    do {
      used[j0] = 1;
      const int64_t i0 = match[j0];
      double delta = inf;
      int64_t j1 = 0;
      for (int64_t j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double reduced = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (reduced < least[j]) {
          least[j] = reduced;
          way[j] = j0;
        }
        if (least[j] < delta) {
          delta = least[j];
          j1 = j;
        }
      }
      for (int64_t j = 0; j <= n; ++j) {
        if (used[j]) {
          u[match[j]] += delta;
          v[j] -= delta;
        } else {
          least[j] -= delta;
        }
      }
      j0 = j1;
    } while (match[j0] != 0);
    do {
      const int64_t j1 = way[j0];
      match[j0] = match[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  double total = 0;
  for (int64_t j = 1; j <= n; ++j) {
    total -= cost(match[j] - 1, j - 1);
    if (column_of_row && match[j] - 1 < rows && j - 1 < cols)
      (*column_of_row)[match[j] - 1] = j - 1;
  }
  return total;
}

double OracleAgreement(const int32_t* a, int64_t na, const int32_t* b, int64_t nb, int64_t n) {
  if (n == 0) return 0;
  return MaxWeightMatching(JointCounts(a, na, b, nb, n), na, nb) / double(n);
}

template <class S>
RoutingSummary SummarizeRouting(const MoeState<S>& state, int64_t experts, const int32_t* clusters,
                                int64_t num_clusters) {
  const int64_t T = state.tokens, E = experts;
  const Routing& r = state.routing;
  RoutingSummary out;
  std::vector<double> load(E, 0.0);
  double routed = 0;
  for (int64_t e = 0; e < E; ++e) routed += load[e] = double(state.stats.load[e]);
  out.load_entropy = NormalizedLoadEntropy(load);
  out.load_cv = LoadCoefficientOfVariation(load);
  for (int64_t e = 0; e < E; ++e) {
    const double f = routed > 0 ? load[e] / routed : 0.0;
    out.max_load = std::max(out.max_load, double(E) * f);
    out.dead_experts += f < 0.1 / double(E);
  }
  out.drop_rate = routed > 0 ? double(state.stats.dropped) / routed : 0.0;
  int64_t kept_slots = 0, empty = 0;
  std::vector<int32_t> top1(T);
  for (int64_t t = 0; t < T; ++t) {
    int64_t kept = 0;
    for (int64_t s = 0; s < state.slots; ++s) {
      const int32_t g = state.expert[t * state.slots + s];
      kept += g >= 0 && g < E;
    }
    kept_slots += kept;
    empty += kept == 0;
    const double* p = r.probs.data() + t * E;
    top1[t] = static_cast<int32_t>(std::max_element(p, p + E) - p);
  }
  out.experts_per_token = T > 0 ? double(kept_slots) / double(T) : 0.0;
  out.zero_expert_rate = T > 0 ? double(empty) / double(T) : 0.0;
  out.nmi = NormalizedMutualInformation(top1.data(), E, clusters, num_clusters, T);
  out.purity = Purity(top1.data(), E, clusters, num_clusters, T);
  out.oracle_agreement = OracleAgreement(top1.data(), E, clusters, num_clusters, T);
  return out;
}

template <class S>
std::vector<double> ExpertsPerTokenByLabel(const MoeState<S>& state, int64_t experts,
                                           const int32_t* labels, int64_t num_labels,
                                           const double* expert_weight) {
  std::vector<double> kept(num_labels, 0.0), count(num_labels, 0.0);
  for (int64_t t = 0; t < state.tokens; ++t) {
    EXPERTLAB_CHECK(labels[t] >= 0 && labels[t] < num_labels)
        << "routing metrics: label " << labels[t] << " outside [0, " << num_labels << ")";
    count[labels[t]] += 1;
    for (int64_t s = 0; s < state.slots; ++s) {
      const int32_t g = state.expert[t * state.slots + s];
      if (g >= 0 && g < experts) kept[labels[t]] += expert_weight ? expert_weight[g] : 1.0;
    }
  }
  for (int64_t c = 0; c < num_labels; ++c) kept[c] = count[c] > 0 ? kept[c] / count[c] : 0.0;
  return kept;
}

template <class S>
GroupSummary SummarizeGroups(const MoeState<S>& state, int64_t experts, int64_t groups,
                             const int32_t* labels, int64_t num_labels) {
  EXPERTLAB_CHECK(groups >= 1 && experts % groups == 0)
      << "routing metrics: groups = " << groups << " must divide E = " << experts;
  const int64_t T = state.tokens, size = experts / groups;
  std::vector<int32_t> main_group(T);
  std::vector<char> seen(groups);
  int64_t dispatches = 0;
  for (int64_t t = 0; t < T; ++t) {
    std::fill(seen.begin(), seen.end(), 0);
    int32_t best = static_cast<int32_t>(groups);
    double best_weight = 0;
    for (int64_t s = 0; s < state.slots; ++s) {
      const int32_t e = state.expert[t * state.slots + s];
      if (e < 0 || e >= experts) continue;
      dispatches += !seen[e / size];
      seen[e / size] = 1;
      const double w = double(state.weight[t * state.slots + s]);
      if (best == groups || w > best_weight) best = int32_t(e / size), best_weight = w;
    }
    main_group[t] = best;
  }
  GroupSummary out;
  out.groups_per_token = T > 0 ? double(dispatches) / double(T) : 0.0;
  out.nmi = NormalizedMutualInformation(main_group.data(), groups + 1, labels, num_labels, T);
  return out;
}

template GroupSummary SummarizeGroups<float>(const MoeState<float>&, int64_t, int64_t,
                                             const int32_t*, int64_t);
template GroupSummary SummarizeGroups<double>(const MoeState<double>&, int64_t, int64_t,
                                              const int32_t*, int64_t);
template <class S>
double ActiveWidthPerToken(const MoeState<S>& state, const MoeConfig& config) {
  if (state.tokens == 0) return 0;
  double width = 0;
  for (int64_t i = 0; i < state.tokens * state.slots; ++i) {
    const int32_t g = state.expert[i];
    if (g >= 0 && g < config.experts) width += double(config.Width(g));
  }
  return width / double(state.tokens);
}

template double ActiveWidthPerToken<float>(const MoeState<float>&, const MoeConfig&);
template double ActiveWidthPerToken<double>(const MoeState<double>&, const MoeConfig&);
template std::vector<double> ExpertsPerTokenByLabel<float>(const MoeState<float>&, int64_t,
                                                           const int32_t*, int64_t, const double*);
template std::vector<double> ExpertsPerTokenByLabel<double>(const MoeState<double>&, int64_t,
                                                            const int32_t*, int64_t, const double*);
template RoutingSummary SummarizeRouting<float>(const MoeState<float>&, int64_t, const int32_t*,
                                                int64_t);
template RoutingSummary SummarizeRouting<double>(const MoeState<double>&, int64_t, const int32_t*,
                                                 int64_t);

}  // namespace expertlab::moe
