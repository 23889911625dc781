// Experts that know the task: a multi-task regression model of `blocks`
// residual MoE blocks whose routing may read the task id t of each token.
//
//   u_0 = x W_in + b_in;  u_{l+1} = u_l + sum_e w_{l,e}(u_l, t) F_{l,e}(u_l);
//   y = u_L W_out + b_out;  F(u) = ReLU(u W_1 + b_1) W_2 + b_2;
//   loss = mean squared error over tokens and outputs (+ balance).
//
// Routings w_{l,e}:
//   dense             every expert, 1/E (dense multi-task)
//   token             top-k of p = softmax(u W_r): w_e = p_e on the top k,
//                     not renormalised (V-MoE, Riquelme et al., NeurIPS
//                     2021, which M3ViT's gate follows)
//   task_conditioned  the same on [u; onehot(t)] (M3ViT, Liang et al.,
//                     NeurIPS 2022: the task-conditioned router)
//   multi_gate        the same with task t's own W_r^(t) (M3ViT's multi-gate)
//   skills            the predefined experts S_t of task t, 1/|S_t| each
//                     (SkillNet, F. Zhang, D. Tang et al., 2022: a task
//                     activates the modules of its skills; no learned router)
//   task_level        one expert per block and task, from per-task router
//                     logits theta_{l,t} (Ye, Zha, Ren, "Eliciting and
//                     understanding cross-task skills with task-level
//                     mixture-of-experts", 2022): in training hard
//                     Gumbel-softmax with straight-through gradients,
//                     y_soft = softmax((theta + g) / tau), g ~ Gumbel, the
//                     forward uses onehot(argmax y_soft), the backward
//                     d theta = (1/tau) y_soft (dw - <y_soft, dw>); at
//                     inference argmax theta. theta is the router's output
//                     for a learned task embedding: with one-hot embeddings
//                     a free logit vector per task.
// Learned token-level routers add the Switch balance loss
// balance * E sum_e f_e P_e (f_e: share of top-1 choices, P_e: mean p_e;
// Fedus, Zoph, Shazeer, 2022, Eq. 4); M3ViT's CV^2 losses play the same role.
// An expert runs on the tokens routed to it (task_level: on every token);
// products are coefficient-based (lazyProduct), because at these sizes
// Eigen's blocked GEMM would start OpenMP threads inside the engine's own.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/moe/train/adamw.h"
#include "sim/rng.h"

namespace expertlab::moe {

enum class TaskRouting { kDense, kToken, kTaskConditioned, kMultiGate, kSkills, kTaskLevel };

// "dense", "token", "task_conditioned", "multi_gate", "skills",
// "task_level", in the enum's order; the parser names `routing` in errors.
const std::vector<std::string>& TaskRoutingNames();
TaskRouting ParseTaskRouting(const std::string& name);

struct TaskMoeConfig {
  int64_t dim = 16, out = 1;       // input and output widths
  int64_t width = 32;              // d, the residual stream
  int64_t hidden = 32;             // each expert's ReLU width
  int64_t experts = 6, top_k = 2;  // top_k: learned routers only
  int64_t blocks = 2, tasks = 8;
  TaskRouting routing = TaskRouting::kToken;
  std::vector<std::vector<int64_t>> skill_map;  // skills: [tasks] experts of each
  double balance = 0.01;
  // Throws expertlab::Error naming the first bad field.
  void Validate() const;
};

class TaskMoe {
 public:
  TaskMoe(const TaskMoeConfig& config, Rng& rng);
  const TaskMoeConfig& config() const { return config_; }
  void SetTemperature(double tau) { tau_ = tau; }

  // Predictions [n x out] for x [n x dim] of tasks `task` (ids < tasks);
  // `gumbel` draws the task-level routes in training (null: argmax).
  const Eigen::MatrixXd& Forward(const Eigen::MatrixXd& x, const std::vector<int32_t>& task,
                                 Rng* gumbel = nullptr);
  // The last Forward's mean squared error against y, and (Backward) the
  // gradients of it plus the balance loss; returns the squared error.
  double Mse(const Eigen::MatrixXd& y) const;
  double Backward(const Eigen::MatrixXd& y);
  double balance_loss() const { return balance_loss_; }
  std::vector<ParamRef<double>> Params();

  // The last Forward's gate weights of block l [n x E], and the last
  // Backward's dL/dw of them (task_level: for every expert; the token
  // routers: on the routed experts only).
  const Eigen::MatrixXd& Gates(int64_t l) const { return blocks_[l].w; }
  const Eigen::MatrixXd& GateGradient(int64_t l) const { return blocks_[l].dw; }
  // Parameters a token of task t uses (routers included), averaged over
  // the tasks.
  double ActiveParamsPerToken() const;

 private:
  struct Expert {
    Eigen::MatrixXd w1, w2, dw1, dw2;
    Eigen::RowVectorXd b1, b2, db1, db2;
    // Last Forward, on the rows it ran on: the tokens routed to it (every
    // token under task_level, whose straight-through gradient needs every
    // expert's output).
    std::vector<int64_t> rows;
    Eigen::MatrixXd in, pre, out;
  };
  struct Block {
    std::vector<Expert> experts;
    Eigen::MatrixXd router, drouter;  // see RouterRows(); task_level: theta [tasks x E]
    Eigen::MatrixXd u, w, p;          // input, gates, probabilities (task_level: y_soft per task)
    Eigen::MatrixXd dw;               // dL/dw (Backward)
    std::vector<int64_t> top1;        // learned routers: each token's first choice
  };
  int64_t RouterRows() const;
  void Route(Block& b, const std::vector<int32_t>& task, Rng* gumbel);
  void RouterBackward(Block& b, const Eigen::MatrixXd& dw, const std::vector<int32_t>& task,
                      Eigen::MatrixXd& du);

  TaskMoeConfig config_;
  double tau_ = 1.0;
  Eigen::MatrixXd w_in_, w_out_, dw_in_, dw_out_;
  Eigen::RowVectorXd b_in_, b_out_, db_in_, db_out_;
  std::vector<Block> blocks_;
  Eigen::MatrixXd x_, u_last_, y_hat_;
  std::vector<int32_t> task_;
  double balance_loss_ = 0;
};

}  // namespace expertlab::moe
