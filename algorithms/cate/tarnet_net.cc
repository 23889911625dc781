#include "algorithms/cate/tarnet_net.h"

#include <cmath>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::cate {
namespace {

// Offsets of the blocks in theta.
struct TarNetLayout {
  Eigen::Index d, h;
  Eigen::Index W() const { return 0; }
  Eigen::Index B() const { return d * h; }
  Eigen::Index V() const { return B() + h; }      // h x 2, column a = v_a
  Eigen::Index C() const { return V() + 2 * h; }  // 2
  Eigen::Index U() const { return C() + 2; }      // h
  Eigen::Index E() const { return U() + h; }      // 1
  Eigen::Index Size() const { return E() + 1; }
};

}  // namespace

TarNet::TarNet(int dim, int hidden, Rng& rng) : dim_(dim), hidden_(hidden) {
  EXPERTLAB_CHECK(dim >= 1 && hidden >= 1)
      << "tarnet: " << dim << " inputs, " << hidden << " hidden units; expected both >= 1";
  const TarNetLayout l{dim, hidden};
  theta_ = Eigen::VectorXd::Zero(l.Size());
  for (Eigen::Index i = 0; i < l.B(); ++i) theta_(i) = Normal(rng, 0, std::sqrt(2.0 / dim));
  for (Eigen::Index i = l.V(); i < l.C(); ++i) theta_(i) = Normal(rng, 0, std::sqrt(1.0 / hidden));
  for (Eigen::Index i = l.U(); i < l.E(); ++i) theta_(i) = Normal(rng, 0, std::sqrt(1.0 / hidden));
}

std::vector<moe::ParamRef<double>> TarNet::Blocks(Eigen::VectorXd& grad) {
  const TarNetLayout l{dim_, hidden_};
  EXPERTLAB_CHECK(grad.size() == l.Size()) << "tarnet: gradient of size " << grad.size()
                                           << "; expected " << l.Size();
  const auto block = [&](Eigen::Index from, Eigen::Index to, bool decay) {
    return moe::ParamRef<double>{theta_.data() + from, grad.data() + from, to - from, decay};
  };
  return {block(l.W(), l.B(), true),  block(l.B(), l.V(), false), block(l.V(), l.C(), true),
          block(l.C(), l.U(), false), block(l.U(), l.E(), true),  block(l.E(), l.Size(), false)};
}

double TarNet::Loss(const TarNetBatch& batch, const TarNetTerms& terms,
                    Eigen::VectorXd* grad) const {
  const TarNetLayout l{dim_, hidden_};
  const Eigen::Index n = batch.x.rows();
  Eigen::Map<const Eigen::MatrixXd> w(theta_.data() + l.W(), hidden_, dim_);
  Eigen::Map<const Eigen::VectorXd> b(theta_.data() + l.B(), hidden_);
  Eigen::Map<const Eigen::MatrixXd> v(theta_.data() + l.V(), hidden_, 2);
  Eigen::Map<const Eigen::VectorXd> c(theta_.data() + l.C(), 2);
  Eigen::Map<const Eigen::VectorXd> u(theta_.data() + l.U(), hidden_);
  const double e = theta_(l.E());

  const Eigen::MatrixXd z = (batch.x * w.transpose()).rowwise() + b.transpose();
  const Eigen::MatrixXd phi = z.cwiseMax(0.0);
  const Eigen::MatrixXd out = (phi * v).rowwise() + c.transpose();
  Eigen::MatrixXd d_out = Eigen::MatrixXd::Zero(n, 2);
  double loss = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const int a = batch.a(i) > 0.5 ? 1 : 0;
    const double r = out(i, a) - batch.y(i);
    loss += batch.weight(i) * r * r / n;
    d_out(i, a) = 2 * batch.weight(i) * r / n;
  }
  Eigen::MatrixXd d_phi = d_out * v.transpose();

  Eigen::VectorXd gap = Eigen::VectorXd::Zero(hidden_);
  const double n1 = batch.a.sum(), n0 = n - n1;
  if (terms.balance > 0 && n1 > 0 && n0 > 0) {
    const Eigen::VectorXd mean1 = phi.transpose() * batch.a / n1;
    const Eigen::VectorXd mean0 = phi.transpose() * (1 - batch.a.array()).matrix() / n0;
    gap = mean1 - mean0;
    loss += terms.balance * gap.squaredNorm();
    for (Eigen::Index i = 0; i < n; ++i)
      d_phi.row(i) +=
          (batch.a(i) > 0.5 ? 2 * terms.balance / n1 : -2 * terms.balance / n0) * gap.transpose();
  }
  Eigen::VectorXd d_logit = Eigen::VectorXd::Zero(n);
  if (terms.propensity > 0) {
    const Eigen::VectorXd logit = (phi * u).array() + e;
    for (Eigen::Index i = 0; i < n; ++i) {
      // BCE(sigmoid(t), a) = softplus(t) - a t, computed stably.
      const double t = logit(i);
      loss += terms.propensity *
              (std::max(t, 0.0) + std::log1p(std::exp(-std::abs(t))) - batch.a(i) * t) / n;
      d_logit(i) = terms.propensity * (1 / (1 + std::exp(-t)) - batch.a(i)) / n;
    }
    d_phi += d_logit * u.transpose();
  }
  if (grad == nullptr) return loss;

  grad->setZero(l.Size());
  const Eigen::MatrixXd d_z = d_phi.cwiseProduct((z.array() > 0).cast<double>().matrix());
  Eigen::Map<Eigen::MatrixXd>(grad->data() + l.W(), hidden_, dim_) = d_z.transpose() * batch.x;
  grad->segment(l.B(), hidden_) = d_z.colwise().sum().transpose();
  Eigen::Map<Eigen::MatrixXd>(grad->data() + l.V(), hidden_, 2) = phi.transpose() * d_out;
  grad->segment(l.C(), 2) = d_out.colwise().sum().transpose();
  grad->segment(l.U(), hidden_) = phi.transpose() * d_logit;
  (*grad)(l.E()) = d_logit.sum();
  return loss;
}

CatePrediction TarNet::Predict(const Eigen::MatrixXd& x) const {
  const TarNetLayout l{dim_, hidden_};
  EXPERTLAB_CHECK(x.cols() == dim_)
      << "tarnet: covariates have " << x.cols() << " columns; expected " << dim_;
  Eigen::Map<const Eigen::MatrixXd> w(theta_.data() + l.W(), hidden_, dim_);
  Eigen::Map<const Eigen::VectorXd> b(theta_.data() + l.B(), hidden_);
  Eigen::Map<const Eigen::MatrixXd> v(theta_.data() + l.V(), hidden_, 2);
  const Eigen::MatrixXd phi = ((x * w.transpose()).rowwise() + b.transpose()).cwiseMax(0.0);
  const Eigen::MatrixXd out = phi * v;
  CatePrediction p;
  p.mu0 = out.col(0).array() + theta_(l.C());
  p.mu1 = out.col(1).array() + theta_(l.C() + 1);
  p.tau = p.mu1 - p.mu0;
  return p;
}

}  // namespace expertlab::cate
