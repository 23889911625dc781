#include "algorithms/moe/merge_experts.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "algorithms/moe/train/routing_metrics.h"
#include "sim/check.h"

namespace expertlab::moe {
namespace {

// Expert e's tensors, each d x f_e entries: the gate and (SwiGLU) up
// blocks [d x f_e] with hidden units as columns, then the down block
// [f_e x d] with hidden units as rows (last). T: S or const S.
template <class T, class Weights>
std::vector<T*> TensorsOf(Weights& w, int64_t e) {
  std::vector<T*> t{w.Gate(e)};
  if (w.swiglu) t.push_back(w.Up(e));
  t.push_back(w.Down(e));
  return t;
}

template <class S>
void CheckMergeable(const MoeWeights<S>& w, int64_t a, int64_t b) {
  EXPERTLAB_CHECK(w.gate_rows == w.d)
      << "merging experts: factorised gates (gate_rank) cannot be aligned or merged";
  EXPERTLAB_CHECK(a >= 0 && a < w.experts && b >= 0 && b < w.experts)
      << "merging experts: expert ids must be in [0, " << w.experts << "), got " << a << " and "
      << b;
  EXPERTLAB_CHECK(w.Width(a) == w.Width(b))
      << "merging experts: experts " << a << " and " << b << " have different widths ("
      << w.Width(a) << ", " << w.Width(b) << ")";
}

}  // namespace

std::vector<double> TopOneFrequencies(const double* logits, int64_t tokens, int64_t experts,
                                      int64_t stride) {
  std::vector<double> f(experts, 0.0);
  if (tokens <= 0) return f;
  for (int64_t t = 0; t < tokens; ++t) {
    const double* row = logits + t * stride;
    f[std::max_element(row, row + experts) - row] += 1;
  }
  for (double& x : f) x /= double(tokens);
  return f;
}

std::vector<double> RouterLogitSimilarity(const double* logits, int64_t tokens, int64_t experts,
                                          int64_t stride) {
  std::vector<double> dot(experts * experts, 0.0);
  for (int64_t t = 0; t < tokens; ++t) {
    const double* row = logits + t * stride;
    for (int64_t a = 0; a < experts; ++a)
      for (int64_t b = 0; b < experts; ++b) dot[a * experts + b] += row[a] * row[b];
  }
  std::vector<double> cosine(experts * experts, 0.0);
  for (int64_t a = 0; a < experts; ++a)
    for (int64_t b = 0; b < experts; ++b) {
      const double norms = std::sqrt(dot[a * experts + a] * dot[b * experts + b]);
      cosine[a * experts + b] = norms > 0 ? dot[a * experts + b] / norms : 0.0;
    }
  return cosine;
}

std::vector<int64_t> GroupsPerLayer(const std::vector<std::vector<double>>& frequencies,
                                    int64_t average_groups) {
  EXPERTLAB_CHECK(!frequencies.empty()) << "merging experts: no layers";
  const int64_t E = static_cast<int64_t>(frequencies[0].size());
  for (const auto& f : frequencies)
    EXPERTLAB_CHECK(static_cast<int64_t>(f.size()) == E && E > 0)
        << "merging experts: every layer needs the same number (> 0) of experts";
  EXPERTLAB_CHECK(average_groups >= 1 && average_groups <= E)
      << "groups: must be in [1, " << E << "] (the experts per layer), got " << average_groups;
  const int64_t L = static_cast<int64_t>(frequencies.size());
  if (average_groups == E) return std::vector<int64_t>(L, E);
  // Each layer's most used expert counts as 1, so every layer keeps a group.
  std::vector<std::vector<double>> pooled = frequencies;
  std::vector<double> all;
  for (auto& f : pooled) {
    *std::max_element(f.begin(), f.end()) = 1.0;
    all.insert(all.end(), f.begin(), f.end());
  }
  std::sort(all.begin(), all.end(), std::greater<>());
  const double theta = all[average_groups * L];
  std::vector<int64_t> groups;
  for (const auto& f : pooled)
    groups.push_back(std::count_if(f.begin(), f.end(), [&](double x) { return x > theta; }));
  return groups;
}

std::vector<int32_t> ExpertsByFrequency(const std::vector<double>& frequency) {
  std::vector<int32_t> order(frequency.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return frequency[a] > frequency[b]; });
  return order;
}

std::vector<int32_t> GroupAroundDominant(const std::vector<double>& frequency,
                                         const std::vector<double>& similarity, int64_t groups) {
  const int64_t E = static_cast<int64_t>(frequency.size());
  EXPERTLAB_CHECK(groups >= 1 && groups <= E)
      << "groups: must be in [1, " << E << "] (the experts), got " << groups;
  EXPERTLAB_CHECK(static_cast<int64_t>(similarity.size()) == E * E)
      << "merging experts: the similarity must be " << E << " x " << E;
  const std::vector<int32_t> order = ExpertsByFrequency(frequency);
  std::vector<int32_t> group_of(E, -1);
  for (int64_t g = 0; g < groups; ++g) group_of[order[g]] = order[g];
  for (int64_t i = groups; i < E; ++i) {
    const int32_t e = order[i];
    int32_t best = order[0];
    for (int64_t g = 1; g < groups; ++g)  // strict: ties go to the more frequent core
      if (similarity[e * E + order[g]] > similarity[e * E + best]) best = order[g];
    group_of[e] = best;
  }
  return group_of;
}

template <class S>
std::vector<int64_t> AlignHiddenUnits(const MoeWeights<S>& w, int64_t reference, int64_t target) {
  CheckMergeable(w, reference, target);
  const std::vector<const S*> ref = TensorsOf<const S>(w, reference);
  const std::vector<const S*> tgt = TensorsOf<const S>(w, target);
  const int64_t f = w.Width(reference), d = w.d;
  const size_t down = ref.size() - 1;
  std::vector<double> similarity(f * f, 0.0);  // [ref unit i x target unit j]
  for (size_t m = 0; m < down; ++m)
    for (int64_t r = 0; r < d; ++r)
      for (int64_t i = 0; i < f; ++i)
        for (int64_t j = 0; j < f; ++j)
          similarity[i * f + j] += double(ref[m][r * f + i]) * double(tgt[m][r * f + j]);
  for (int64_t i = 0; i < f; ++i)
    for (int64_t j = 0; j < f; ++j)
      for (int64_t c = 0; c < d; ++c)
        similarity[i * f + j] += double(ref[down][i * d + c]) * double(tgt[down][j * d + c]);
  std::vector<int64_t> perm;
  MaxWeightMatching(similarity, f, f, &perm);
  return perm;
}

template <class S>
void PermuteHiddenUnits(MoeWeights<S>* w, int64_t expert, const std::vector<int64_t>& perm) {
  CheckMergeable(*w, expert, expert);
  const int64_t f = w->Width(expert), d = w->d;
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> identity(f);
  std::iota(identity.begin(), identity.end(), int64_t{0});
  EXPERTLAB_CHECK(sorted == identity)
      << "merging experts: the unit order must be a permutation of 0.." << f - 1;
  const std::vector<S*> t = TensorsOf<S>(*w, expert);
  std::vector<S> old;
  for (size_t m = 0; m + 1 < t.size(); ++m) {  // units as columns
    old.assign(t[m], t[m] + d * f);
    for (int64_t r = 0; r < d; ++r)
      for (int64_t i = 0; i < f; ++i) t[m][r * f + i] = old[r * f + perm[i]];
  }
  S* down = t.back();  // units as rows
  old.assign(down, down + f * d);
  for (int64_t i = 0; i < f; ++i) std::copy_n(old.data() + perm[i] * d, d, down + i * d);
}

template <class S>
void MergeExpertGroups(MoeWeights<S>* w, const std::vector<int32_t>& group_of,
                       const std::vector<double>& weights, bool align) {
  const int64_t E = w->experts;
  EXPERTLAB_CHECK(static_cast<int64_t>(group_of.size()) == E &&
                  static_cast<int64_t>(weights.size()) == E)
      << "merging experts: the groups and weights need one entry per expert (" << E << ")";
  for (int64_t e = 0; e < E; ++e) {
    EXPERTLAB_CHECK(group_of[e] >= 0 && group_of[e] < E && group_of[group_of[e]] == group_of[e])
        << "merging experts: expert " << e << "'s group must name a core expert that is its own "
        << "core, got " << group_of[e];
    EXPERTLAB_CHECK(weights[e] >= 0 && std::isfinite(weights[e]))
        << "merging experts: weights must be finite and >= 0, expert " << e << " has "
        << weights[e];
  }
  for (int64_t core = 0; core < E; ++core) {
    if (group_of[core] != core) continue;
    std::vector<int64_t> members;
    double total = 0;
    for (int64_t e = 0; e < E; ++e)
      if (group_of[e] == core) {
        CheckMergeable(*w, core, e);
        members.push_back(e);
        total += weights[e];
      }
    if (members.size() == 1) continue;
    if (align)
      for (int64_t e : members)
        if (e != core) PermuteHiddenUnits(w, e, AlignHiddenUnits(*w, core, e));
    const int64_t size = w->Width(core) * w->d;
    const size_t blocks = TensorsOf<S>(*w, core).size();
    for (size_t m = 0; m < blocks; ++m) {
      std::vector<double> sum(size, 0.0);
      for (int64_t e : members) {
        const S* x = TensorsOf<S>(*w, e)[m];
        const double c = total > 0 ? weights[e] / total : 1.0 / double(members.size());
        for (int64_t i = 0; i < size; ++i) sum[i] += c * double(x[i]);
      }
      for (int64_t e : members) {
        S* y = TensorsOf<S>(*w, e)[m];
        for (int64_t i = 0; i < size; ++i) y[i] = static_cast<S>(sum[i]);
      }
    }
  }
}

std::vector<double> BestRankApproximation(const std::vector<double>& w, int64_t rows, int64_t cols,
                                          int64_t rank) {
  // One-sided Jacobi (M. R. Hestenes, "Inversion of matrices by
  // biorthogonalization", J. SIAM 6, 1958): rotate column pairs of A = W V
  // until all are orthogonal, so A = U Sigma with sigma_j = |a_j|, and the
  // best rank-r part is the sum of a_j v_j^T over the r largest sigma_j.
  // Columns are stored as rows (a[j] = column j of A, v[j] = column j of V).
  std::vector<std::vector<double>> a(cols, std::vector<double>(rows)), v(cols);
  for (int64_t j = 0; j < cols; ++j) {
    for (int64_t i = 0; i < rows; ++i) a[j][i] = w[i * cols + j];
    v[j].assign(cols, 0.0);
    v[j][j] = 1;
  }
  const auto dot = [](const std::vector<double>& x, const std::vector<double>& y) {
    double sum = 0;
    for (size_t i = 0; i < x.size(); ++i) sum += x[i] * y[i];
    return sum;
  };
  const auto rotate = [](std::vector<double>& x, std::vector<double>& y, double c, double s) {
    for (size_t i = 0; i < x.size(); ++i) {
      const double xi = x[i], yi = y[i];
      x[i] = c * xi - s * yi;
      y[i] = s * xi + c * yi;
    }
  };
  for (int sweep = 0; sweep < 64; ++sweep) {
    double worst = 0;  // largest |cos| between two columns this sweep
    for (int64_t p = 0; p < cols; ++p)
      for (int64_t q = p + 1; q < cols; ++q) {
        const double alpha = dot(a[p], a[p]), beta = dot(a[q], a[q]), gamma = dot(a[p], a[q]);
        if (alpha == 0 || beta == 0 || gamma == 0) continue;
        worst = std::max(worst, std::abs(gamma) / std::sqrt(alpha * beta));
        const double zeta = (beta - alpha) / (2 * gamma);
        const double t = (zeta >= 0 ? 1.0 : -1.0) / (std::abs(zeta) + std::hypot(1.0, zeta));
        const double c = 1 / std::hypot(1.0, t);
        rotate(a[p], a[q], c, c * t);
        rotate(v[p], v[q], c, c * t);
      }
    if (worst < 1e-14) break;
  }
  std::vector<int64_t> order(cols);
  std::iota(order.begin(), order.end(), int64_t{0});
  std::vector<double> sigma_squared(cols);
  for (int64_t j = 0; j < cols; ++j) sigma_squared[j] = dot(a[j], a[j]);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t x, int64_t y) { return sigma_squared[x] > sigma_squared[y]; });
  std::vector<double> out(rows * cols, 0.0);
  for (int64_t k = 0; k < std::min(rank, cols); ++k) {
    const int64_t j = order[k];
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t c = 0; c < cols; ++c) out[i * cols + c] += a[j][i] * v[j][c];
  }
  return out;
}

template <class S>
int64_t LowRankPlusSparse(S* matrix, int64_t rows, int64_t cols, int64_t rank, double keep) {
  EXPERTLAB_CHECK(rank >= 0) << "rank: must be >= 0, got " << rank;
  EXPERTLAB_CHECK(keep >= 0 && keep <= 1) << "sparse share: must be in [0, 1], got " << keep;
  const int64_t n = rows * cols, r = std::min({rank, rows, cols});
  const std::vector<double> w(matrix, matrix + n);
  std::vector<double> approx = BestRankApproximation(w, rows, cols, r);
  const auto kept = static_cast<int64_t>(std::llround(keep * double(n)));
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) {
    return std::abs(w[x] - approx[x]) > std::abs(w[y] - approx[y]);
  });
  for (int64_t i = 0; i < kept; ++i) approx[order[i]] = w[order[i]];
  for (int64_t i = 0; i < n; ++i) matrix[i] = static_cast<S>(approx[i]);
  return r * (rows + cols) + kept;
}

#define EXPERTLAB_MERGE_INSTANTIATE(S)                                                    \
  template std::vector<int64_t> AlignHiddenUnits(const MoeWeights<S>&, int64_t, int64_t); \
  template void PermuteHiddenUnits(MoeWeights<S>*, int64_t, const std::vector<int64_t>&); \
  template void MergeExpertGroups(MoeWeights<S>*, const std::vector<int32_t>&,            \
                                  const std::vector<double>&, bool);                      \
  template int64_t LowRankPlusSparse(S*, int64_t, int64_t, int64_t, double);
EXPERTLAB_MERGE_INSTANTIATE(float)
EXPERTLAB_MERGE_INSTANTIATE(double)
#undef EXPERTLAB_MERGE_INSTANTIATE

}  // namespace expertlab::moe
