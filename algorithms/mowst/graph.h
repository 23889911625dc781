// Node-classification graphs for the weak/strong expert study: a
// contextual stochastic block model with two kinds of nodes.
//
// Contextual SBM (Y. Deshpande, A. Montanari, E. Mossel, S. Sen,
// "Contextual stochastic block models", NeurIPS 2018): node i has a class
// y_i uniform in [0, K) and features x_i = s_i mu_{y_i} + N(0, I_dim), the
// class means mu_k independent N(0, I_dim / dim) draws scaled to norm 1.
// Two node kinds, as in the graphs Mowst is built for (H. Zeng, H. Lyu,
// D. Hu, Y. Xia, J. Luo, "Mixture of weak and strong experts on graphs",
// ICLR 2024, §1: some nodes are told apart by their own features, others
// only by their neighbourhoods):
//   feature nodes    signal s = feature_signal; every edge at one end is
//                    drawn without regard to class (probability
//                    random_degree / (n - 1) per pair)
//   structure nodes  (share structure_share) signal s = structure_signal,
//                    edges among them homophilous: same class with
//                    probability degree / (structure nodes per class),
//                    other classes with probability cross_degree /
//                    (structure nodes outside the lower-numbered node's
//                    class; so cross_degree holds only approximately when
//                    the classes differ in size)
// The propagation matrix is A_hat = D^-1 (A + I) (mean over the node and
// its neighbours).
//
// Parameters (CsbmSpec)
//   nodes             int >= classes      nodes n
//   classes           int >= 2            K
//   dim               int >= 1            feature dimension
//   structure_share   [0, 1]              share of structure nodes
//   feature_signal    >= 0                s of feature nodes
//   structure_signal  >= 0                s of structure nodes
//   degree            >= 0                expected same-class structure
//                                         neighbours of a structure node
//   cross_degree      >= 0                expected other-class ones
//   random_degree     >= 0                expected class-blind neighbours
//                                         of a feature node
#pragma once

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <cstdint>
#include <vector>

#include "sim/rng.h"

namespace expertlab::mowst {

struct CsbmSpec {
  int64_t nodes = 2400;
  int64_t classes = 3;
  int64_t dim = 8;
  double structure_share = 0.5;
  double feature_signal = 3.0;
  double structure_signal = 0.6;
  double degree = 8;
  double cross_degree = 1;
  double random_degree = 6;
  // Throws expertlab::Error naming the first bad field.
  void Validate() const;
};

using SparseMatrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;

struct Graph {
  Eigen::MatrixXd x;            // [n x dim] features
  std::vector<int32_t> label;   // [n] class
  std::vector<char> structure;  // [n] 1 for a structure node
  SparseMatrix propagate;       // A_hat = D^-1 (A + I)
  int64_t classes = 0;
  int64_t edges = 0;  // undirected edges of A (no self loops)
};

// A_hat of an undirected edge list on n nodes (duplicates kept once).
SparseMatrix MeanPropagation(int64_t n, const std::vector<std::pair<int64_t, int64_t>>& edges);

// A graph drawn from `spec` with `rng`.
Graph DrawCsbm(const CsbmSpec& spec, Rng& rng);

}  // namespace expertlab::mowst
