#include "algorithms/mowst/graph.h"

#include <algorithm>
#include <cmath>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::mowst {

void CsbmSpec::Validate() const {
  EXPERTLAB_CHECK(classes >= 2) << "classes: must be >= 2, got " << classes;
  EXPERTLAB_CHECK(nodes >= classes)
      << "nodes: must be >= classes (" << classes << "), got " << nodes;
  EXPERTLAB_CHECK(dim >= 1) << "dim: must be >= 1, got " << dim;
  EXPERTLAB_CHECK(structure_share >= 0 && structure_share <= 1)
      << "structure_share: must be in [0, 1], got " << structure_share;
  for (auto [name, value] : {std::pair{"feature_signal", feature_signal},
                             {"structure_signal", structure_signal},
                             {"degree", degree},
                             {"cross_degree", cross_degree},
                             {"random_degree", random_degree}})
    EXPERTLAB_CHECK(value >= 0 && std::isfinite(value))
        << name << ": must be finite and >= 0, got " << value;
}

SparseMatrix MeanPropagation(int64_t n, const std::vector<std::pair<int64_t, int64_t>>& edges) {
  std::vector<std::vector<int64_t>> neighbours(n);
  for (int64_t i = 0; i < n; ++i) neighbours[i].push_back(i);
  for (auto [a, b] : edges) {
    EXPERTLAB_CHECK(a >= 0 && a < n && b >= 0 && b < n)
        << "graph: edge (" << a << ", " << b << ") outside nodes 0.." << n - 1;
    neighbours[a].push_back(b);
    neighbours[b].push_back(a);
  }
  std::vector<Eigen::Triplet<double>> entries;
  for (int64_t i = 0; i < n; ++i) {
    auto& row = neighbours[i];
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    for (int64_t j : row) entries.emplace_back(i, j, 1.0 / double(row.size()));
  }
  SparseMatrix a(n, n);
  a.setFromTriplets(entries.begin(), entries.end());
  return a;
}

Graph DrawCsbm(const CsbmSpec& spec, Rng& rng) {
  spec.Validate();
  const int64_t n = spec.nodes, K = spec.classes, dim = spec.dim;
  Graph g;
  g.classes = K;
  Eigen::MatrixXd means(K, dim);
  for (int64_t k = 0; k < K; ++k) {
    for (int64_t j = 0; j < dim; ++j) means(k, j) = Normal(rng);
    means.row(k) /= std::max(means.row(k).norm(), 1e-12);
  }
  g.label.resize(n);
  g.structure.resize(n);
  g.x.resize(n, dim);
  std::vector<int64_t> per_class(K, 0);
  int64_t structure_nodes = 0;
  for (int64_t i = 0; i < n; ++i) {
    g.label[i] = static_cast<int32_t>(rng.UniformInt(static_cast<uint64_t>(K)));
    g.structure[i] = rng.Uniform() < spec.structure_share ? 1 : 0;
    const double s = g.structure[i] ? spec.structure_signal : spec.feature_signal;
    for (int64_t j = 0; j < dim; ++j) g.x(i, j) = s * means(g.label[i], j) + Normal(rng);
    if (g.structure[i]) {
      ++per_class[g.label[i]];
      ++structure_nodes;
    }
  }
  std::vector<std::pair<int64_t, int64_t>> edges;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j) {
      double p;
      if (g.structure[i] && g.structure[j]) {
        const bool same = g.label[i] == g.label[j];
        const int64_t pool =
            same ? per_class[g.label[i]] - 1 : structure_nodes - per_class[g.label[i]];
        p = pool > 0 ? (same ? spec.degree : spec.cross_degree) / double(pool) : 0.0;
      } else {
        p = spec.random_degree / double(n - 1);
      }
      if (rng.Uniform() < p) edges.emplace_back(i, j);
    }
  g.edges = static_cast<int64_t>(edges.size());
  g.propagate = MeanPropagation(n, edges);
  return g;
}

}  // namespace expertlab::mowst
