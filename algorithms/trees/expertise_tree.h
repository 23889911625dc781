// Expertise Tree (Abels, Lenaerts, Trianni & Nowé, "Expertise Trees Resolve
// Knowledge Limitations in Collective Decision-Making", ICML 2023, as in the
// authors' public code): an axis-aligned binary tree over the visible
// context whose every node runs its own Meta-CMAB (advice_linucb.h), so each
// leaf learns which experts to trust in its part of the context space.
//
// Splits: feature f of a node covers grid points [lo, hi] of the column's
// deciles (Problem::grid; the root covers 0..10); its one candidate split is
// at grid point (lo + hi) / 2 (none once hi - lo < 2), so the finest cell is
// one decile per feature.
//
// Values (replay, Li, Chu, Langford & Wang, WSDM 2011): every logged round
// (x, advice, a, r, p) of a node, in order, is replayed once: the node's
// model picks its greedy arms G; value += (r - 1/2) 1{a in G} / (|G| p);
// then the model learns (a, r) whatever it picked. Values are sums, so a
// split's children values add up to a comparable number.
//
// Each round, from the root: a node with at least `min_split` rounds
// compares "no split" (its value) with every candidate split whose two
// children each hold at least `min_leaf` rounds (the children's values
// summed), keeps the best (ties: no split) and, if it split, descends into
// x's child (pre-pruning); the leaf's model acts (ties uniform) and logs
// p = 1/|G|. incremental = true freezes a node's first split (and frees the
// other candidates); false re-decides, or un-splits, at every visit.
//
// Cost: a logged round is replayed at most once per node that holds it,
// lazily when the node is next visited (a cursor per node), and a visited
// node routes it to its g candidate pairs; a round costs O(depth g) model
// updates amortised, never a replay of the whole history.
//
// Parameters
//   incremental  bool         false  freeze a node's first split
//   min_split    int >= 2     2      rounds a node needs before it may split
//   min_leaf     int >= 1     2      rounds each child of a split needs
//   explore      double >= 0  1      UCB width multiplier beta of every node
//   ridge        double > 0   100    ridge alpha of every node
#pragma once

#include <memory>
#include <vector>

#include "algorithms/trees/advice_linucb.h"
#include "algorithms/trees/learner.h"
#include "sim/params.h"

namespace expertlab::trees {

class ExpertiseTree final : public AdviceLearner {
 public:
  explicit ExpertiseTree(const Params& params);
  ~ExpertiseTree() override;
  void Start(const Problem& problem, Rng rng) override;
  int Choose(const RoundView& round) override;
  void Observe(const RoundView& round, int arm, double reward) override;

 private:
  struct Node;
  void CatchUp(Node& node);
  void Replay(Node& node, int sample);
  void Route(Node& node, int sample);
  void CreateCandidates(Node& node);
  double Threshold(const Node& node, int feature) const;
  Node* Child(Node& node, int feature, std::span<const double> context) const;
  // The leaf for `context` after updating every node on the way.
  Node& Descend(std::span<const double> context);

  bool incremental_;
  int min_split_, min_leaf_;
  double explore_, ridge_;
  Problem problem_;
  std::unique_ptr<Node> root_;
  Rng rng_{0, 0, 0, 0};
  std::vector<int> tied_;
  double chosen_probability_ = 1;
  // The log: per round, the context (g values), advice (N), arm, reward and
  // the probability the acting leaf gave the arm.
  std::vector<double> contexts_, rewards_, probabilities_;
  std::vector<int> advice_, arms_;
};

}  // namespace expertlab::trees
