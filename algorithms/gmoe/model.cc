#include "algorithms/gmoe/model.h"

#include <cmath>
#include <numbers>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::gmoe {

int Model::NumFreeParams() const {
  return (k() - 1) * (d() + 1) + (gate.learn_tau ? 1 : 0) + k() * (d() + 2);
}

void Model::Validate() const {
  EXPERTLAB_CHECK(k() >= 1) << "k: a mixture needs at least 1 expert, got " << k();
  EXPERTLAB_CHECK(d() >= 1) << "d: the input dimension must be at least 1, got " << d();
  EXPERTLAB_CHECK(beta1.rows() == k() && beta1.cols() == d() && beta0.size() == k() &&
                  a.rows() == k() && nu.size() == k())
      << "model: parameter shapes disagree (beta1 " << beta1.rows() << "x" << beta1.cols()
      << ", beta0 " << beta0.size() << ", a " << a.rows() << "x" << a.cols() << ", b "
      << b.size() << ", nu " << nu.size() << ")";
  EXPERTLAB_CHECK(beta1.row(k() - 1).isZero(0) && beta0[k() - 1] == 0.0)
      << "model: the last expert is the reference (beta1 = 0, beta0 = 0)";
  EXPERTLAB_CHECK(std::isfinite(tau) && tau > 0) << "tau: must be positive, got " << tau;
  for (int i = 0; i < k(); ++i)
    EXPERTLAB_CHECK(std::isfinite(nu[i]) && nu[i] > 0)
        << "nu: expert " << i << "'s variance must be positive, got " << nu[i];
  EXPERTLAB_CHECK(beta1.allFinite() && beta0.allFinite() && a.allFinite() && b.allFinite())
      << "model: parameters must be finite";
}

void CheckSample(const Model& model, const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  model.Validate();
  EXPERTLAB_CHECK(x.rows() == y.size() && x.cols() == model.d())
      << "sample: x is " << x.rows() << "x" << x.cols() << " and y has " << y.size()
      << " entries; expected n x " << model.d() << " and n";
  EXPERTLAB_CHECK(x.rows() >= model.NumFreeParams())
      << "n: " << x.rows() << " observations cannot determine the " << model.NumFreeParams()
      << " free parameters of a " << model.k() << "-expert model (gate " << model.gate.name
      << ", d = " << model.d() << "); need n >= " << model.NumFreeParams();
  EXPERTLAB_CHECK(x.allFinite() && y.allFinite()) << "sample: x and y must be finite";
}

Model ZeroModel(const Gate& gate, int k, int d) {
  EXPERTLAB_CHECK(k >= 1) << "k: a mixture needs at least 1 expert, got " << k;
  EXPERTLAB_CHECK(d >= 1) << "d: the input dimension must be at least 1, got " << d;
  Model m;
  m.gate = gate;
  m.beta1 = Eigen::MatrixXd::Zero(k, d);
  m.beta0 = Eigen::VectorXd::Zero(k);
  m.a = Eigen::MatrixXd::Zero(k, d);
  m.b = Eigen::VectorXd::Zero(k);
  m.nu = Eigen::VectorXd::Ones(k);
  return m;
}

Eigen::MatrixXd GateLogits(const Model& model, const Eigen::MatrixXd& x) {
  Eigen::MatrixXd w = x * model.beta1.transpose();
  for (Eigen::Index i = 0; i < w.rows(); ++i)
    for (Eigen::Index j = 0; j < w.cols(); ++j)
      w(i, j) = (model.gate.Score(w(i, j)) + model.beta0[j]) / model.tau;
  return w;
}

Eigen::VectorXd RowLogSumExp(const Eigen::MatrixXd& m) {
  const Eigen::VectorXd top = m.rowwise().maxCoeff();
  return top.array() + (m.colwise() - top).array().exp().rowwise().sum().log();
}

Eigen::MatrixXd LogGate(const Model& model, const Eigen::MatrixXd& x) {
  Eigen::MatrixXd logits = GateLogits(model, x);
  return logits.colwise() - RowLogSumExp(logits);
}

Eigen::MatrixXd JointLogDensity(const Model& model, const Eigen::MatrixXd& x,
                                const Eigen::VectorXd& y) {
  Eigen::MatrixXd out = LogGate(model, x);
  const Eigen::MatrixXd mean = (x * model.a.transpose()).rowwise() + model.b.transpose();
  const double log_2pi = std::log(2 * std::numbers::pi);
  for (int j = 0; j < model.k(); ++j) {
    const double nu = model.nu[j];
    out.col(j).array() -=
        0.5 * ((y - mean.col(j)).array().square() / nu + std::log(nu) + log_2pi);
  }
  return out;
}

double LogLikelihood(const Model& model, const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  return RowLogSumExp(JointLogDensity(model, x, y)).sum();
}

namespace {

// The latent expert and response of one input row.
void DrawOne(const Model& model, const Eigen::MatrixXd& x_row, Rng& rng, int& expert, double& y) {
  const Eigen::VectorXd log_gate = LogGate(model, x_row).row(0).transpose();
  const Eigen::VectorXd weights = log_gate.array().exp();
  expert = static_cast<int>(Categorical(rng, {weights.data(), static_cast<size_t>(weights.size())}));
  y = Normal(rng, model.a.row(expert).dot(x_row.row(0)) + model.b[expert],
             std::sqrt(model.nu[expert]));
}

}  // namespace

Sample DrawResponses(const Model& model, const Eigen::MatrixXd& x, Rng& rng) {
  model.Validate();
  EXPERTLAB_CHECK(x.cols() == model.d())
      << "x: " << x.cols() << " columns, the model's dimension is " << model.d();
  Sample s;
  s.x = x;
  s.y.resize(x.rows());
  s.expert.resize(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i) DrawOne(model, x.row(i), rng, s.expert[i], s.y[i]);
  return s;
}

Sample DrawSample(const Model& model, int n, Rng& rng) {
  model.Validate();
  EXPERTLAB_CHECK(n >= 1) << "n: the sample size must be at least 1, got " << n;
  Sample s;
  s.x.resize(n, model.d());
  s.y.resize(n);
  s.expert.resize(n);
  // x then (expert, y) for each pair in turn: nested samples along n.
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < model.d(); ++c) s.x(i, c) = rng.Uniform();
    DrawOne(model, s.x.row(i), rng, s.expert[i], s.y[i]);
  }
  return s;
}

}  // namespace expertlab::gmoe
