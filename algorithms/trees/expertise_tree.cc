#include "algorithms/trees/expertise_tree.h"

#include <algorithm>

#include "algorithms/trees/meta_cmab.h"
#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::trees {

struct ExpertiseTree::Node {
  Node(std::vector<uint8_t> lo_, std::vector<uint8_t> hi_, const AdviceLinUcb& prior)
      : lo(std::move(lo_)), hi(std::move(hi_)), model(prior) {}

  std::vector<uint8_t> lo, hi;  // grid range per feature
  std::vector<int> samples;     // logged rounds in this cell, in order
  size_t cursor = 0;            // samples[0, cursor) are replayed and routed
  AdviceLinUcb model;
  double value = 0;
  int frozen = -1;  // incremental: the feature split on
  bool has_candidates = false;
  std::vector<std::unique_ptr<Node>> children;  // [2f] left, [2f + 1] right
};

ExpertiseTree::ExpertiseTree(const Params& params)
    : incremental_(params.Bool("incremental")),
      min_split_(static_cast<int>(params.Int("min_split"))),
      min_leaf_(static_cast<int>(params.Int("min_leaf"))),
      explore_(params.Double("explore")),
      ridge_(params.Double("ridge")) {}

ExpertiseTree::~ExpertiseTree() = default;

void ExpertiseTree::Start(const Problem& problem, Rng rng) {
  problem_ = problem;
  const auto g = static_cast<size_t>(problem.dims);
  root_ = std::make_unique<Node>(std::vector<uint8_t>(g, 0), std::vector<uint8_t>(g, 10),
                                 AdviceLinUcb(problem.experts, problem.classes, explore_, ridge_));
  rng_ = rng;
  contexts_.clear();
  rewards_.clear();
  probabilities_.clear();
  advice_.clear();
  arms_.clear();
}

double ExpertiseTree::Threshold(const Node& node, int feature) const {
  const auto f = static_cast<size_t>(feature);
  return problem_.grid[f][(node.lo[f] + node.hi[f]) / 2];
}

ExpertiseTree::Node* ExpertiseTree::Child(Node& node, int feature,
                                          std::span<const double> context) const {
  const bool left = context[static_cast<size_t>(feature)] < Threshold(node, feature);
  return node.children[static_cast<size_t>(2 * feature + (left ? 0 : 1))].get();
}

void ExpertiseTree::Replay(Node& node, int sample) {
  const auto s = static_cast<size_t>(sample);
  const std::span<const int> advice(advice_.data() + s * static_cast<size_t>(problem_.experts),
                                    static_cast<size_t>(problem_.experts));
  const int arm = arms_[s];
  node.model.Greedy(advice, tied_);
  if (std::find(tied_.begin(), tied_.end(), arm) != tied_.end())
    node.value += (rewards_[s] - 0.5) / (static_cast<double>(tied_.size()) * probabilities_[s]);
  node.model.Update(advice, arm, rewards_[s]);
}

void ExpertiseTree::Route(Node& node, int sample) {
  const std::span<const double> context(
      contexts_.data() + static_cast<size_t>(sample) * static_cast<size_t>(problem_.dims),
      static_cast<size_t>(problem_.dims));
  for (int f = 0; f < problem_.dims; ++f) {
    if (node.children[static_cast<size_t>(2 * f)] == nullptr) continue;
    Child(node, f, context)->samples.push_back(sample);
  }
}

void ExpertiseTree::CatchUp(Node& node) {
  const bool frozen = incremental_ && node.frozen >= 0;
  for (; node.cursor < node.samples.size(); ++node.cursor) {
    const int sample = node.samples[node.cursor];
    if (!frozen) Replay(node, sample);
    if (node.has_candidates) Route(node, sample);
  }
}

void ExpertiseTree::CreateCandidates(Node& node) {
  const AdviceLinUcb prior(problem_.experts, problem_.classes, explore_, ridge_);
  node.children.resize(static_cast<size_t>(2 * problem_.dims));
  for (int f = 0; f < problem_.dims; ++f) {
    const auto i = static_cast<size_t>(f);
    if (node.hi[i] - node.lo[i] < 2) continue;
    const auto mid = static_cast<uint8_t>((node.lo[i] + node.hi[i]) / 2);
    std::vector<uint8_t> left_hi = node.hi, right_lo = node.lo;
    left_hi[i] = mid;
    right_lo[i] = mid;
    node.children[2 * i] = std::make_unique<Node>(node.lo, std::move(left_hi), prior);
    node.children[2 * i + 1] = std::make_unique<Node>(std::move(right_lo), node.hi, prior);
  }
  node.has_candidates = true;
  for (size_t k = 0; k < node.cursor; ++k) Route(node, node.samples[k]);
}

ExpertiseTree::Node& ExpertiseTree::Descend(std::span<const double> context) {
  Node* node = root_.get();
  for (;;) {
    CatchUp(*node);
    if (static_cast<int>(node->samples.size()) < min_split_) return *node;
    if (incremental_ && node->frozen >= 0) {
      node = Child(*node, node->frozen, context);
      continue;
    }
    if (!node->has_candidates) CreateCandidates(*node);
    int best = -1;
    double best_value = node->value;
    for (int f = 0; f < problem_.dims; ++f) {
      Node* left = node->children[static_cast<size_t>(2 * f)].get();
      if (left == nullptr) continue;
      Node* right = node->children[static_cast<size_t>(2 * f + 1)].get();
      CatchUp(*left);
      CatchUp(*right);
      if (static_cast<int>(std::min(left->samples.size(), right->samples.size())) < min_leaf_)
        continue;
      if (left->value + right->value > best_value) {
        best = f;
        best_value = left->value + right->value;
      }
    }
    if (best < 0) return *node;
    if (incremental_) {
      node->frozen = best;
      for (size_t c = 0; c < node->children.size(); ++c)
        if (c / 2 != static_cast<size_t>(best)) node->children[c].reset();
    }
    node = Child(*node, best, context);
  }
}

int ExpertiseTree::Choose(const RoundView& round) {
  Node& leaf = Descend(round.context);
  leaf.model.Greedy(round.advice, tied_);
  chosen_probability_ = 1.0 / static_cast<double>(tied_.size());
  return PickTied(tied_, rng_);
}

void ExpertiseTree::Observe(const RoundView& round, int arm, double reward) {
  const int sample = static_cast<int>(arms_.size());
  contexts_.insert(contexts_.end(), round.context.begin(), round.context.end());
  advice_.insert(advice_.end(), round.advice.begin(), round.advice.end());
  arms_.push_back(arm);
  rewards_.push_back(reward);
  probabilities_.push_back(chosen_probability_);
  root_->samples.push_back(sample);
}

EXPERTLAB_REGISTER(AdviceLearner, ExpertiseTree, "expertise_tree",
                   "Expertise Tree: replay-scored decile splits, one Meta-CMAB per node, "
                   "pre-pruned (Abels et al. ICML 2023)",
                   (MetaCmabParams({ParamSpec::Bool("incremental", false,
                                                    "freeze a node's first split"),
                                    ParamSpec::Int("min_split", 2, Bounds::AtLeast(2),
                                                   "rounds a node needs before it may split"),
                                    ParamSpec::Int("min_leaf", 2, Bounds::AtLeast(1),
                                                   "rounds each child of a split needs")})));

}  // namespace expertlab::trees
