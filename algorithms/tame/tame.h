// TAME: task-agnostic continual learning with multiple experts.
//
// Paper: H. Zhu, M. Majzoubi, A. Jain, A. Choromanska, "TAME: task
// agnostic continual learning using multiple experts", arXiv 2210.03869
// (2022; v2 2024). Task identities are never given: a task switch shows as
// a statistically significant rise of the active expert's loss. The rules
// below follow the authors' release (per batch):
//   1. every expert's loss l_e on the batch, before any update;
//   2. the active expert's smoothed loss s <- a l + (1 - a) s (a = 0.2);
//      an inactive expert's candidate is a l_e + (1 - a) s_e, s_e its last
//      smoothed loss while it was active (here: before the batch that
//      switched away from it, so that the new task's first loss does not
//      count against its return);
//   3. the active expert keeps a window of its raw losses on the batches it
//      trained on (35, first filled with ln(classes per task)); its
//      threshold theta = mean(W) + k max(std(W), 0.005), k = 3; inactive
//      experts keep their last threshold;
//   4. when s > theta: the first expert in index order whose candidate is
//      below its own threshold becomes active (and trains on the batch);
//      if none, a new expert is spawned and trains on it;
//   5. otherwise the active expert trains one step on the batch.
// A replay buffer keeps, per class, a reservoir (uniform random priorities)
// of capacity / classes samples, each labelled with the expert active when
// it was seen. After the stream a selector network trained on the buffer
// sends each test sample to an expert, which predicts its within-task
// label.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <deque>
#include <vector>

#include "sim/rng.h"

namespace expertlab::tame {

struct SwitchRule {
  int64_t window = 35;
  double smoothing = 0.2;  // a
  double sigmas = 3;       // k
  double min_std = 0.005;
  double initial_loss = 0.6931471805599453;  // ln(classes per task)
  // Throws expertlab::Error naming the first bad field.
  void Validate() const;
};

// mean(W) + k max(std(W), min_std), std the population deviation.
double SwitchThreshold(const std::deque<double>& window, const SwitchRule& rule);

// The decision of one batch.
struct Decision {
  int64_t expert = 0;     // the expert that trains on the batch
  bool switched = false;  // a switch was detected at this batch
  bool spawned = false;   // ... and a new expert was created
};

// The detector's state (rules 2-5; networks live elsewhere).
class SwitchDetector {
 public:
  explicit SwitchDetector(const SwitchRule& rule);
  // Losses of every existing expert on the batch (losses.size() ==
  // experts()); returns who trains on it. A spawned expert is appended.
  Decision Observe(const std::vector<double>& losses);
  int64_t experts() const { return static_cast<int64_t>(smoothed_.size()); }
  int64_t active() const { return active_; }
  double threshold(int64_t e) const { return threshold_[e]; }

 private:
  void Spawn();
  SwitchRule rule_;
  int64_t active_ = 0;
  std::vector<double> smoothed_, threshold_;
  std::vector<std::deque<double>> window_;
};

// Per-class reservoirs with uniform random priorities: keeps, for each
// class, the `per_class` samples with the largest priorities seen so far
// (a uniform sample of that class's stream).
class ReplayBuffer {
 public:
  ReplayBuffer(int64_t classes, int64_t per_class);
  void Offer(const Eigen::RowVectorXd& x, int32_t label, int32_t expert, Rng& rng);
  struct Entry {
    double priority;
    Eigen::RowVectorXd x;
    int32_t expert;
  };
  const std::vector<std::vector<Entry>>& entries() const { return by_class_; }

 private:
  int64_t per_class_;
  std::vector<std::vector<Entry>> by_class_;  // min-heaps on priority
};

}  // namespace expertlab::tame
