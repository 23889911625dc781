#include "algorithms/mowst/mowst.h"

#include <algorithm>
#include <cmath>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::mowst {
namespace {

Eigen::MatrixXd HeNormal(int64_t rows, int64_t cols, Rng& rng) {
  Eigen::MatrixXd w(rows, cols);
  const double sd = std::sqrt(2.0 / double(rows));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) w(i, j) = sd * Normal(rng);
  return w;
}

moe::ParamRef<double> RefOf(Eigen::MatrixXd& v, Eigen::MatrixXd& g, bool decay) {
  return {v.data(), g.data(), static_cast<int64_t>(v.size()), decay};
}
moe::ParamRef<double> RefOf(Eigen::RowVectorXd& v, Eigen::RowVectorXd& g) {
  return {v.data(), g.data(), static_cast<int64_t>(v.size()), false};
}

double Sigmoid(double u) { return 1 / (1 + std::exp(-u)); }

}  // namespace

double VarianceDispersion(const double* q, int64_t K) {
  double var = 0;
  for (int64_t i = 0; i < K; ++i) var += (q[i] - 1.0 / K) * (q[i] - 1.0 / K);
  return var / double(K) / (double(K - 1) / double(K * K));
}

double EntropyDispersion(const double* q, int64_t K) {
  double h = 0;
  for (int64_t i = 0; i < K; ++i)
    if (q[i] > 0) h -= q[i] * std::log(q[i]);
  return 1 - h / std::log(double(K));
}

TwoLayerNet::TwoLayerNet(int64_t in, int64_t width, int64_t out, Rng& rng)
    : w1(HeNormal(in, width, rng)),
      w2(HeNormal(width, out, rng)),
      b1(Eigen::RowVectorXd::Zero(width)),
      b2(Eigen::RowVectorXd::Zero(out)),
      dw1(Eigen::MatrixXd::Zero(in, width)),
      dw2(Eigen::MatrixXd::Zero(width, out)),
      db1(Eigen::RowVectorXd::Zero(width)),
      db2(Eigen::RowVectorXd::Zero(out)) {}

// Products are coefficient-based (lazyProduct): at these sizes Eigen's
// blocked GEMM would start OpenMP threads inside the engine's own.
Eigen::MatrixXd TwoLayerNet::Forward(const Eigen::MatrixXd& x, const SparseMatrix* propagate) {
  input = x;
  mixed = propagate ? Eigen::MatrixXd(*propagate * x) : x;
  pre = mixed.lazyProduct(w1);
  pre.rowwise() += b1;
  hidden = pre.cwiseMax(0.0);
  Eigen::MatrixXd out = hidden.lazyProduct(w2);
  if (propagate) out = *propagate * out;
  return out.rowwise() + b2;
}

void TwoLayerNet::Backward(const Eigen::MatrixXd& dlogits, const SparseMatrix* propagate) {
  const Eigen::MatrixXd dout =
      propagate ? Eigen::MatrixXd(propagate->transpose() * dlogits) : dlogits;
  db2 = dlogits.colwise().sum();
  dw2 = hidden.transpose().lazyProduct(dout);
  const Eigen::MatrixXd dpre =
      (dout.lazyProduct(w2.transpose()).array() * (pre.array() > 0).cast<double>()).matrix();
  dw1 = mixed.transpose().lazyProduct(dpre);
  db1 = dpre.colwise().sum();
}

std::vector<moe::ParamRef<double>> TwoLayerNet::Params() {
  return {RefOf(w1, dw1, true), RefOf(b1, db1), RefOf(w2, dw2, true), RefOf(b2, db2)};
}

std::vector<moe::ParamRef<double>> Gate::Params() {
  return {{&a, &da, 1, false}, {&b, &db, 1, false}, {&c, &dc, 1, false}};
}

moe::AdamW<double> MakeAdamW(double lr, double weight_decay) {
  moe::AdamWConfig config;
  config.lr = lr;
  config.weight_decay = weight_decay;
  return moe::AdamW<double>(config);
}

std::vector<double> ArgmaxCorrect(const Eigen::MatrixXd& logits,
                                  const std::vector<int32_t>& label) {
  std::vector<double> right(logits.rows());
  for (int64_t i = 0; i < logits.rows(); ++i) {
    Eigen::Index best;
    logits.row(i).maxCoeff(&best);
    right[i] = best == label[i] ? 1.0 : 0.0;
  }
  return right;
}

Eigen::MatrixXd Softmax(const Eigen::MatrixXd& logits) {
  Eigen::MatrixXd p = logits.colwise() - logits.rowwise().maxCoeff();
  p = p.array().exp();
  return p.array().colwise() / p.rowwise().sum().array();
}

double CrossEntropy(const Eigen::MatrixXd& logits, const std::vector<int32_t>& label,
                    const std::vector<int64_t>& nodes, Eigen::MatrixXd* dlogits) {
  EXPERTLAB_CHECK(!nodes.empty()) << "mowst: no training nodes";
  const Eigen::MatrixXd p = Softmax(logits);
  if (dlogits) dlogits->setZero(logits.rows(), logits.cols());
  double loss = 0;
  for (int64_t i : nodes) {
    loss -= std::log(std::max(p(i, label[i]), 1e-300));
    if (dlogits) {
      dlogits->row(i) = p.row(i) / double(nodes.size());
      (*dlogits)(i, label[i]) -= 1.0 / double(nodes.size());
    }
  }
  return loss / double(nodes.size());
}

MowstLoss MowstObjective(const Eigen::MatrixXd& mlp_logits, const Eigen::MatrixXd& gnn_logits,
                         const std::vector<int32_t>& label, const std::vector<int64_t>& train,
                         Gate& gate, std::vector<double>* confidence, bool grads) {
  EXPERTLAB_CHECK(!train.empty()) << "mowst: no training nodes";
  const int64_t n = mlp_logits.rows(), K = mlp_logits.cols();
  EXPERTLAB_CHECK(K >= 2) << "mowst: the dispersions need K >= 2 classes, got " << K;
  const Eigen::MatrixXd q = Softmax(mlp_logits), p = Softmax(gnn_logits);
  std::vector<double> c(n);
  std::vector<double> dv(n), de(n);
  for (int64_t i = 0; i < n; ++i) {
    const Eigen::RowVectorXd qi = q.row(i);
    dv[i] = VarianceDispersion(qi.data(), K);
    de[i] = EntropyDispersion(qi.data(), K);
    c[i] = Sigmoid(gate.a * dv[i] + gate.b * de[i] + gate.c);
  }
  MowstLoss out;
  if (grads) {
    out.dmlp.setZero(n, K);
    out.dgnn.setZero(n, K);
    gate.da = gate.db = gate.dc = 0;
  }
  const double inv = 1.0 / double(train.size()), var_e1 = double(K - 1) / double(K * K);
  for (int64_t i : train) {
    const int32_t y = label[i];
    const double lm = -std::log(std::max(q(i, y), 1e-300));
    const double lg = -std::log(std::max(p(i, y), 1e-300));
    out.loss += inv * (c[i] * lm + (1 - c[i]) * lg);
    if (!grads) continue;
    const double du = inv * (lm - lg) * c[i] * (1 - c[i]);  // dL/du, u the gate's input
    gate.da += du * dv[i];
    gate.db += du * de[i];
    gate.dc += du;
    out.dgnn.row(i) = inv * (1 - c[i]) * p.row(i);
    out.dgnn(i, y) -= inv * (1 - c[i]);
    out.dmlp.row(i) = inv * c[i] * q.row(i);
    out.dmlp(i, y) -= inv * c[i];
    // The confidence path: dD/dq, then through the softmax,
    // dD/dz_j = q_j (g_j - sum_k q_k g_k).
    Eigen::RowVectorXd g(K);
    for (int64_t k = 0; k < K; ++k)
      g(k) = gate.a * 2 * (q(i, k) - 1.0 / K) / (double(K) * var_e1) +
             gate.b * (std::log(std::max(q(i, k), 1e-300)) + 1) / std::log(double(K));
    const double mean = q.row(i).dot(g);
    for (int64_t k = 0; k < K; ++k) out.dmlp(i, k) += du * q(i, k) * (g(k) - mean);
  }
  if (confidence) *confidence = c;
  return out;
}

void TrainAlone(TwoLayerNet& net, const Graph& g, const SparseMatrix* propagate,
                const std::vector<int64_t>& train, const MowstSettings& s) {
  auto opt = MakeAdamW(s.lr, s.weight_decay);
  Eigen::MatrixXd dlogits;
  for (int64_t step = 0; step < s.rounds * s.phase_steps; ++step) {
    CrossEntropy(net.Forward(g.x, propagate), g.label, train, &dlogits);
    net.Backward(dlogits, propagate);
    opt.Step(net.Params());
  }
}

void TrainMowst(TwoLayerNet& mlp, TwoLayerNet& gnn, Gate& gate, const Graph& g,
                const std::vector<int64_t>& train, const MowstSettings& s) {
  auto weak_opt = MakeAdamW(s.lr, s.weight_decay), strong_opt = MakeAdamW(s.lr, s.weight_decay);
  for (int64_t round = 0; round < s.rounds; ++round) {
    // The MLP and the gate, the GNN fixed.
    const Eigen::MatrixXd gnn_logits = gnn.Forward(g.x, &g.propagate);
    for (int64_t step = 0; step < s.phase_steps; ++step) {
      const MowstLoss l = MowstObjective(mlp.Forward(g.x, nullptr), gnn_logits, g.label, train,
                                         gate, nullptr, true);
      mlp.Backward(l.dmlp, nullptr);
      std::vector<moe::ParamRef<double>> params = mlp.Params();
      for (const auto& ref : gate.Params()) params.push_back(ref);
      weak_opt.Step(params);
    }
    // The GNN, the MLP and the gate fixed.
    const Eigen::MatrixXd mlp_logits = mlp.Forward(g.x, nullptr);
    for (int64_t step = 0; step < s.phase_steps; ++step) {
      const MowstLoss l = MowstObjective(mlp_logits, gnn.Forward(g.x, &g.propagate), g.label, train,
                                         gate, nullptr, true);
      gnn.Backward(l.dgnn, &g.propagate);
      strong_opt.Step(gnn.Params());
    }
  }
}

}  // namespace expertlab::mowst
