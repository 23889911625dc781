// Mowst: a mixture of a weak expert (an MLP on a node's own features) and
// a strong one (a GNN), gated by the weak expert's confidence.
//
// Paper: H. Zeng, H. Lyu, D. Hu, Y. Xia, J. Luo, "Mixture of weak and
// strong experts on graphs", ICLR 2024. Both experts are two-layer
// networks with K outputs:
//   MLP  z_m = ReLU(X W_1 + b_1) W_2 + b_2
//   GCN  z_g = A_hat ReLU(A_hat X W_1 + b_1) W_2 + b_2   (A_hat: graph.h)
// q = softmax(z_m). Dispersion of q (§3.1):
//   D_var = Var(q) / Var(e_1),  Var over the K entries (population), so
//           Var(e_1) = (K - 1) / K^2
//   D_ent = 1 - H(q) / log K
// Confidence C = sigmoid(a D_var + b D_ent + c): the released code's
// learned gate on [D_var, D_ent], here at depth one (logistic). Training
// loss over the labelled nodes ("separate", Eq. 1):
//   L = mean_i [ C_i CE(q_i, y_i) + (1 - C_i) CE(softmax(z_g,i), y_i) ]
// trained by alternating phases (Mowst, §3.2): the MLP and the gate with
// the GNN fixed, then the GNN with them fixed. The MLP's gradient includes
// the path through C(D(q)). Inference: node i uses the MLP with
// probability C_i, else the GNN; expected accuracy = mean_i [C_i 1(MLP
// right) + (1 - C_i) 1(GNN right)] (the limit of the release's average
// over random draws); the soft variant takes the argmax of
// C q + (1 - C) softmax(z_g).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "algorithms/moe/train/adamw.h"
#include "algorithms/mowst/graph.h"
#include "sim/rng.h"

namespace expertlab::mowst {

// D_var and D_ent of a probability vector q of K >= 2 entries.
double VarianceDispersion(const double* q, int64_t K);
double EntropyDispersion(const double* q, int64_t K);

// A two-layer network, an MLP or (with a propagation matrix) a GCN.
struct TwoLayerNet {
  Eigen::MatrixXd w1, w2;
  Eigen::RowVectorXd b1, b2;
  Eigen::MatrixXd dw1, dw2;  // gradients, shaped like the weights
  Eigen::RowVectorXd db1, db2;
  // Cached by Forward for Backward.
  Eigen::MatrixXd input, pre, hidden, mixed;

  // He-normal weights, zero biases.
  TwoLayerNet(int64_t in, int64_t width, int64_t out, Rng& rng);
  // Logits [n x out]; propagate = nullptr for an MLP.
  Eigen::MatrixXd Forward(const Eigen::MatrixXd& x, const SparseMatrix* propagate);
  // Sets the gradients from dL/dlogits of the last Forward.
  void Backward(const Eigen::MatrixXd& dlogits, const SparseMatrix* propagate);
  std::vector<moe::ParamRef<double>> Params();
};

struct Gate {
  double a = 0, b = 0, c = 0;     // C = sigmoid(a D_var + b D_ent + c)
  double da = 0, db = 0, dc = 0;  // gradients
  std::vector<moe::ParamRef<double>> Params();
};

// Row-wise softmax.
Eigen::MatrixXd Softmax(const Eigen::MatrixXd& logits);

// Per row: 1 when the argmax of `logits` is the label (ties: the lower
// class), else 0.
std::vector<double> ArgmaxCorrect(const Eigen::MatrixXd& logits, const std::vector<int32_t>& label);

// The shared AdamW at learning rate lr (global-norm clipping at 1).
moe::AdamW<double> MakeAdamW(double lr, double weight_decay = 0);

// The Mowst loss on the nodes `train` and, when `grads`, the gradients of
// the MLP's logits, the GCN's logits and the gate (da, db, dc set).
// confidence receives C for every node.
struct MowstLoss {
  double loss = 0;
  Eigen::MatrixXd dmlp, dgnn;  // [n x K], zero outside train
};
MowstLoss MowstObjective(const Eigen::MatrixXd& mlp_logits, const Eigen::MatrixXd& gnn_logits,
                         const std::vector<int32_t>& label, const std::vector<int64_t>& train,
                         Gate& gate, std::vector<double>* confidence, bool grads);

// Mean cross-entropy of softmax(logits) on `nodes` and its gradient.
double CrossEntropy(const Eigen::MatrixXd& logits, const std::vector<int32_t>& label,
                    const std::vector<int64_t>& nodes, Eigen::MatrixXd* dlogits);

struct MowstSettings {
  int64_t hidden = 16;
  int64_t rounds = 8;         // alternations of the two phases
  int64_t phase_steps = 100;  // AdamW steps per phase
  double lr = 0.01;
  double weight_decay = 5e-4;
};

// Trains an expert alone (cross-entropy, rounds * phase_steps steps).
void TrainAlone(TwoLayerNet& net, const Graph& g, const SparseMatrix* propagate,
                const std::vector<int64_t>& train, const MowstSettings& s);

// Trains Mowst's MLP, GCN and gate by alternating phases.
void TrainMowst(TwoLayerNet& mlp, TwoLayerNet& gnn, Gate& gate, const Graph& g,
                const std::vector<int64_t>& train, const MowstSettings& s);

}  // namespace expertlab::mowst
