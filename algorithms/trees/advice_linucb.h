// The Meta-CMAB model of Abels, Lenaerts, Trianni & Nowé ("Dealing with
// expert bias in collective decision-making", Artificial Intelligence 2023),
// the base learner of every tree, region and neighbourhood in "Expertise
// Trees Resolve Knowledge Limitations in Collective Decision-Making" (ICML
// 2023): LinUCB (Li, Chu, Langford & Schapire, WWW 2010, Algorithm 1) with
// one parameter vector shared by all arms and features built from the
// advice alone,
//   x_a = [1{advice_1 = a} - 1/K, ..., 1{advice_N = a} - 1/K, 1],
//   score(a) = theta' x_a + explore * sqrt(x_a' A^-1 x_a),
//   A = ridge I + sum x x',  b = sum (r - 1/K) x,  theta = A^-1 b,
// A^-1 kept by Sherman-Morrison rank-one updates (O((N+1)^2) per update).
// Arms that no expert names share one feature vector, so a choice costs one
// score per distinct advised class plus one.
#pragma once

#include <Eigen/Core>
#include <span>
#include <vector>

namespace expertlab::trees {

// A^-1 <- (A + x x')^-1 in place (Sherman & Morrison, Ann. Math. Stat. 1950);
// `workspace` receives A^-1 x (no allocation once it has the size).
void ShermanMorrisonUpdate(Eigen::MatrixXd& inverse, const Eigen::VectorXd& x,
                           Eigen::VectorXd& workspace);

class AdviceLinUcb {
 public:
  AdviceLinUcb(int experts, int classes, double explore, double ridge);

  // The arms of largest score, in increasing order (ties included).
  void Greedy(std::span<const int> advice, std::vector<int>& best) const;
  void Update(std::span<const int> advice, int arm, double reward);

  const Eigen::MatrixXd& inverse() const { return inverse_; }
  const Eigen::VectorXd& theta() const { return theta_; }

 private:
  void Features(std::span<const int> advice, int arm, Eigen::VectorXd& x) const;
  double Score(const Eigen::VectorXd& x) const;

  int experts_, classes_;
  double explore_, mean_reward_;
  Eigen::MatrixXd inverse_;
  Eigen::VectorXd b_, theta_;
  mutable Eigen::VectorXd x_, ax_;
  mutable std::vector<int> advised_;
  mutable std::vector<double> scores_;
};

}  // namespace expertlab::trees
