#include "algorithms/trees/advice_linucb.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/check.h"

namespace expertlab::trees {

void ShermanMorrisonUpdate(Eigen::MatrixXd& inverse, const Eigen::VectorXd& x,
                           Eigen::VectorXd& workspace) {
  workspace.noalias() = inverse * x;
  inverse.noalias() -= (workspace * workspace.transpose()) / (1.0 + x.dot(workspace));
}

AdviceLinUcb::AdviceLinUcb(int experts, int classes, double explore, double ridge)
    : experts_(experts),
      classes_(classes),
      explore_(explore),
      mean_reward_(1.0 / classes),
      inverse_(Eigen::MatrixXd::Identity(experts + 1, experts + 1) / ridge),
      b_(Eigen::VectorXd::Zero(experts + 1)),
      theta_(Eigen::VectorXd::Zero(experts + 1)),
      x_(experts + 1),
      ax_(experts + 1),
      scores_(static_cast<size_t>(classes)) {
  EXPERTLAB_CHECK(experts >= 1 && classes >= 2 && ridge > 0 && explore >= 0)
      << "Meta-CMAB: expected N >= 1, K >= 2, ridge > 0 and explore >= 0";
}

void AdviceLinUcb::Features(std::span<const int> advice, int arm, Eigen::VectorXd& x) const {
  for (int i = 0; i < experts_; ++i)
    x[i] = (advice[static_cast<size_t>(i)] == arm ? 1.0 : 0.0) - mean_reward_;
  x[experts_] = 1.0;
}

double AdviceLinUcb::Score(const Eigen::VectorXd& x) const {
  ax_.noalias() = inverse_ * x;
  return theta_.dot(x) + explore_ * std::sqrt(std::max(0.0, x.dot(ax_)));
}

void AdviceLinUcb::Greedy(std::span<const int> advice, std::vector<int>& best) const {
  constexpr double kUnscored = -std::numeric_limits<double>::infinity();
  std::fill(scores_.begin(), scores_.end(), kUnscored);
  advised_.clear();
  for (int a : advice) {
    if (scores_[static_cast<size_t>(a)] != kUnscored) continue;
    Features(advice, a, x_);
    scores_[static_cast<size_t>(a)] = Score(x_);
    advised_.push_back(a);
  }
  if (static_cast<int>(advised_.size()) < classes_) {
    Features(advice, -1, x_);
    const double unadvised = Score(x_);
    for (int a = 0; a < classes_; ++a)
      if (scores_[static_cast<size_t>(a)] == kUnscored) scores_[static_cast<size_t>(a)] = unadvised;
  }
  const double top = *std::max_element(scores_.begin(), scores_.end());
  best.clear();
  for (int a = 0; a < classes_; ++a)
    if (scores_[static_cast<size_t>(a)] == top) best.push_back(a);
}

void AdviceLinUcb::Update(std::span<const int> advice, int arm, double reward) {
  Features(advice, arm, x_);
  ShermanMorrisonUpdate(inverse_, x_, ax_);
  b_ += (reward - mean_reward_) * x_;
  theta_.noalias() = inverse_ * b_;
}

}  // namespace expertlab::trees
