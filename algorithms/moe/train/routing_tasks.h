// Synthetic regression tasks with a known latent cluster per example, so a
// router's assignment can be scored against ground truth (NMI, purity) and
// its quality against the Bayes risk.
//
// Clustered mixture of linear regressions (structure "clusters"):
// c ~ Cat(pi), x = mu_c + eps, y = W_c x + b_c + noise eta, with
// eps ~ N(0, I_dim), eta ~ N(0, I_out). The classic testbed of the
// mixture-of-experts literature (R. Jacobs, M. Jordan, S. Nowlan,
// G. Hinton, "Adaptive mixtures of local experts", Neural Computation 3(1),
// 1991, Sec. 2): one linear map per region, so an expert per cluster is the
// ideal routing.
//
// Hierarchical clusters ("hierarchical"): `super` super-clusters of K/super
// sub-clusters each, cluster c in super-cluster s(c) = c / (K / super).
// mu_c = nu_s(c) + delta_c with nu_s ~ N(0, separation^2 / (2 dim) I) and
// delta_c ~ N(0, sub_separation^2 / (2 dim) I), so
//   E ||mu_c - mu_c'||^2 = sub_separation^2                 same super,
//                        = separation^2 + sub_separation^2  different super;
// each sub-cluster has its own linear map. The coarse-to-fine structure
// that SAM's switch-and-mixture routing (Jiang et al., "Towards More
// Effective and Economic Sparsely-Activated Model", 2021: switch to one
// group of experts, then mix the top experts inside it) and DeepSeekMoE's
// fine-grained expert segmentation (Dai et al., 2024, Sec. 3) assume.
//
// Common plus specific ("common_specific"): y = f_0(x) + f_c(x) + eta,
// one linear map f_0 shared by every cluster plus cluster c's own f_c: the
// setting of DeepSeekMoE's always-active shared experts beside routed ones
// (Dai et al., 2024, Sec. 3). common_share = rho sets the variance share
// of the common part: f_0's weights ~ N(0, rho / dim), bias ~ N(0, rho);
// f_c's weights ~ N(0, (1 - rho) / dim), bias ~ N(0, 1 - rho), so the
// summed map has the variance of a "clusters" map and
// Var(W_0) / Var(W_0 + W_c) = rho per coefficient.
//
// Skill composition ("skills"): T = K tasks over S = `skills` linear skill
// maps f_s; task t uses a fixed subset S_t of `skills_per_task` = m skills
// drawn at construction (distinct subsets, uniform among the m-subsets)
// and y = sum_{s in S_t} f_s(x) + eta, with x around the task's mean as for
// clusters (the task is the latent cluster). Skill weights
// ~ N(0, 1 / (m dim)), biases ~ N(0, 1 / m): a task's summed map has the
// variance of a "clusters" map. The multi-task setting of SkillNet-NLU
// (F. Zhang, D. Tang et al., 2022: a task activates the feed-forward modules of
// its predefined skills) and of task-level mixture-of-experts (Ye, Zha,
// Ren, 2022: routes chosen per task, tested on held-out tasks). With
// holdout_tasks = h > 0 the last h tasks are held-out compositions: the
// training split never samples them, the held-out split samples only them
// (each with the same relative weights pi), so a model is tested on
// skill combinations it was not trained on.
//
// Variable difficulty (every structure): cluster c's target is the map
// above plus a sum of `hard_features(c)` random Fourier features
// a_j cos(omega_j . x + phi_j) (A. Rahimi, B. Recht, "Random features for
// large-scale kernel machines", NeurIPS 2007, Eq. 2), with hard_features
// rising from 0 (cluster 0, linear) to `max_features` (the last cluster): a
// harder cluster needs more expert capacity, the setting where threshold
// routing is claimed to spend more experts.
//
// Parameters (RoutingTaskSpec); keys of another structure are ignored
//   structure       clusters | hierarchical | common_specific | skills
//   clusters        K >= 1        latent clusters (tasks for "skills")
//   dim             >= 1          input dimension
//   out_dim         >= 1          regression outputs
//   separation      >= 0          sqrt E ||mu_c - mu_c'||^2 in units of the
//                                 noise sd of x (mu_c ~ N(0, separation^2 /
//                                 (2 dim) I)); hierarchical: of super-means
//   skew            >= 0          pi_c proportional to (c + 1)^-skew (Zipf;
//                                 0 = uniform)
//   noise           >= 0          sd of the target noise; Bayes MSE = noise^2
//   max_features    >= 0          Fourier features of the hardest cluster
//                                 (0 = linear maps)
//   super           divides K     hierarchical: super-clusters
//   sub_separation  >= 0          hierarchical: spread of sub-cluster means
//                                 around their super-mean (unset:
//                                 separation / 4)
//   common_share    in [0, 1]     common_specific: variance share of f_0
//   skills          >= 1          skills: skill maps S
//   skills_per_task 1..S          skills: m, with C(S, m) >= K
//   holdout_tasks   0..K-1        clusters held out of the training split
//   example_tokens  >= 1          consecutive samples that share one cluster
//                                 draw (an example of several tokens, for
//                                 per-example routing such as SMEAR's);
//                                 1 = every sample its own draw
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/rng.h"

namespace expertlab::moe {

enum class TaskStructure { kClusters, kHierarchical, kCommonSpecific, kSkills };

// "clusters", "hierarchical", "common_specific", "skills", in the enum's
// order; the parser throws expertlab::Error naming `structure`.
const std::vector<std::string>& TaskStructureNames();
TaskStructure ParseTaskStructure(const std::string& name);

struct RoutingTaskSpec {
  TaskStructure structure = TaskStructure::kClusters;
  int64_t clusters = 8;
  int64_t dim = 16;
  int64_t out_dim = 1;
  double separation = 4.0;
  double skew = 0.0;
  double noise = 0.1;
  int64_t max_features = 0;
  int64_t super = 2;
  std::optional<double> sub_separation;  // unset: separation / 4
  double common_share = 0.5;
  int64_t skills = 6;
  int64_t skills_per_task = 2;
  int64_t holdout_tasks = 0;
  int64_t example_tokens = 1;
  // Throws expertlab::Error naming the first bad field.
  void Validate() const;
  // Super-clusters: `super` if hierarchical, else K (each its own).
  int64_t SuperClusters() const;
};

// A drawn sample: features [n x dim], targets [n x out_dim], clusters [n]
// and their super-clusters [n] (the cluster itself unless hierarchical).
struct RoutingSample {
  int64_t n = 0;
  std::vector<float> x;
  std::vector<float> y;
  std::vector<int32_t> cluster;
  std::vector<int32_t> super_cluster;
};

// Which clusters a sample draws from: all but the last holdout_tasks, or
// only those.
enum class RoutingSplit { kTrain, kHeldOut };

class RoutingTask {
 public:
  // Draws the task (means, maps, features, skill subsets) from `rng`.
  RoutingTask(const RoutingTaskSpec& spec, Rng& rng);

  const RoutingTaskSpec& spec() const { return spec_; }
  const std::vector<double>& cluster_weights() const { return pi_; }
  // Cluster means [K x dim].
  const std::vector<double>& means() const { return mu_; }
  int64_t SuperCluster(int64_t c) const;
  // Fourier features of cluster c (0 for c = 0 up to max_features).
  int64_t HardFeatures(int64_t c) const;
  // Linear maps drawn: K ("clusters", "hierarchical"), K + 1
  // ("common_specific": map c is f_c, map K is f_0) or S ("skills").
  int64_t Maps() const { return static_cast<int64_t>(b_.size()) / spec_.out_dim; }
  // y [out_dim] += W_m x + b_m.
  void AddMap(int64_t m, const double* x, double* y) const;
  // Skills: task t's skill indices, increasing.
  const std::vector<int64_t>& SkillsOf(int64_t t) const { return subsets_[t]; }
  // n fresh examples from `rng` (a fixed draw order per example).
  RoutingSample Sample(int64_t n, Rng& rng, RoutingSplit split = RoutingSplit::kTrain) const;
  // The noiseless target of cluster c at x [dim] into y [out_dim].
  void Target(int64_t c, const double* x, double* y) const;
  // The Bayes risk of the squared error per output: noise^2.
  double BayesMse() const { return spec_.noise * spec_.noise; }

 private:
  void DrawMeans(Rng& rng);
  void DrawMaps(Rng& rng);
  void DrawSkillSubsets(Rng& rng);

  RoutingTaskSpec spec_;
  std::vector<double> pi_;                     // [K]
  std::vector<double> train_pi_, heldout_pi_;  // [K], zero outside the split
  std::vector<double> mu_;                     // [K x dim]
  std::vector<double> w_;                      // [maps x out x dim]
  std::vector<double> b_;                      // [maps x out]
  std::vector<double> omega_;                  // [K x F x dim]
  std::vector<double> phase_;                  // [K x F]
  std::vector<double> amp_;                    // [K x F x out]
  std::vector<std::vector<int64_t>> subsets_;  // skills: [K][m]
};

}  // namespace expertlab::moe
