#include "algorithms/cate/mlp.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::cate {

Eigen::Index Mlp::WeightOffset(int l) const {
  Eigen::Index offset = 0;
  for (int j = 0; j < l; ++j) offset += (FanIn(j) + 1) * hidden_;
  return offset;
}

Mlp::Mlp(int dim, int hidden, int layers, Rng& rng) : dim_(dim), hidden_(hidden), layers_(layers) {
  EXPERTLAB_CHECK(dim >= 1 && hidden >= 1 && layers >= 1)
      << "mlp: " << dim << " inputs, " << hidden << " units, " << layers
      << " layers; expected each >= 1";
  theta_ = Eigen::VectorXd::Zero(WeightOffset(layers) + hidden + 1);
  for (int l = 0; l < layers; ++l) {
    const double sd = std::sqrt(2.0 / double(FanIn(l)));
    for (Eigen::Index i = 0; i < FanIn(l) * hidden; ++i)
      theta_(WeightOffset(l) + i) = Normal(rng, 0, sd);
  }
  for (Eigen::Index i = 0; i < hidden; ++i)
    theta_(WeightOffset(layers) + i) = Normal(rng, 0, std::sqrt(1.0 / hidden));
}

std::vector<moe::ParamRef<double>> Mlp::Blocks(Eigen::VectorXd& grad) {
  EXPERTLAB_CHECK(grad.size() == theta_.size())
      << "mlp: gradient of size " << grad.size() << "; expected " << theta_.size();
  std::vector<moe::ParamRef<double>> blocks;
  const auto add = [&](Eigen::Index from, Eigen::Index size, bool decay) {
    blocks.push_back({theta_.data() + from, grad.data() + from, size, decay});
  };
  for (int l = 0; l < layers_; ++l) {
    add(WeightOffset(l), FanIn(l) * hidden_, true);
    add(WeightOffset(l) + FanIn(l) * hidden_, hidden_, false);
  }
  add(WeightOffset(layers_), hidden_, true);
  add(WeightOffset(layers_) + hidden_, 1, false);
  return blocks;
}

double Mlp::Loss(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                 Eigen::VectorXd* grad) const {
  EXPERTLAB_CHECK(x.cols() == dim_ && x.rows() == y.size() && x.rows() >= 1)
      << "mlp: batch of " << x.rows() << " x " << x.cols() << " with " << y.size()
      << " targets; expected " << dim_ << " columns and one target per row";
  const double n = double(x.rows());
  // Pre-activations z_l and activations h_l (h_0 = x), rows = examples.
  std::vector<Eigen::MatrixXd> z(layers_), h(layers_ + 1);
  h[0] = x;
  for (int l = 0; l < layers_; ++l) {
    Eigen::Map<const Eigen::MatrixXd> w(theta_.data() + WeightOffset(l), hidden_, FanIn(l));
    Eigen::Map<const Eigen::VectorXd> b(theta_.data() + WeightOffset(l) + FanIn(l) * hidden_,
                                        hidden_);
    z[l] = (h[l] * w.transpose()).rowwise() + b.transpose();
    h[l + 1] = z[l].cwiseMax(0.0);
  }
  const Eigen::Index head = WeightOffset(layers_);
  Eigen::Map<const Eigen::VectorXd> v(theta_.data() + head, hidden_);
  const Eigen::VectorXd residual = ((h[layers_] * v).array() + theta_(head + hidden_)).matrix() - y;
  const double loss = residual.squaredNorm() / n;
  if (grad == nullptr) return loss;

  grad->setZero(theta_.size());
  const Eigen::VectorXd d_out = 2 * residual / n;
  grad->segment(head, hidden_) = h[layers_].transpose() * d_out;
  (*grad)(head + hidden_) = d_out.sum();
  Eigen::MatrixXd d_h = d_out * v.transpose();
  for (int l = layers_ - 1; l >= 0; --l) {
    const Eigen::MatrixXd d_z = d_h.cwiseProduct((z[l].array() > 0).cast<double>().matrix());
    Eigen::Map<Eigen::MatrixXd>(grad->data() + WeightOffset(l), hidden_, FanIn(l)) =
        d_z.transpose() * h[l];
    grad->segment(WeightOffset(l) + FanIn(l) * hidden_, hidden_) = d_z.colwise().sum().transpose();
    if (l > 0) {
      Eigen::Map<const Eigen::MatrixXd> w(theta_.data() + WeightOffset(l), hidden_, FanIn(l));
      d_h = d_z * w;
    }
  }
  return loss;
}

Eigen::VectorXd Mlp::Forward(const Eigen::MatrixXd& x) const {
  EXPERTLAB_CHECK(x.cols() == dim_)
      << "mlp: covariates have " << x.cols() << " columns; expected " << dim_;
  Eigen::MatrixXd h = x;
  for (int l = 0; l < layers_; ++l) {
    Eigen::Map<const Eigen::MatrixXd> w(theta_.data() + WeightOffset(l), hidden_, FanIn(l));
    Eigen::Map<const Eigen::VectorXd> b(theta_.data() + WeightOffset(l) + FanIn(l) * hidden_,
                                        hidden_);
    h = ((h * w.transpose()).rowwise() + b.transpose()).cwiseMax(0.0);
  }
  const Eigen::Index head = WeightOffset(layers_);
  return (h * Eigen::Map<const Eigen::VectorXd>(theta_.data() + head, hidden_)).array() +
         theta_(head + hidden_);
}

MlpRegressor::MlpRegressor(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                           const MlpSettings& settings, Rng& rng)
    : net_(static_cast<int>(x.cols()), settings.hidden, settings.layers, rng) {
  EXPERTLAB_CHECK(x.rows() >= 1 && x.rows() == y.size())
      << "mlp: " << x.rows() << " rows and " << y.size() << " targets; expected equal, >= 1";
  mean_ = y.mean();
  const double sd = std::sqrt((y.array() - mean_).square().mean());
  scale_ = sd > 0 ? sd : 1.0;
  const Eigen::VectorXd target = (y.array() - mean_) / scale_;
  moe::AdamW<double> optimiser(
      {.lr = settings.lr, .weight_decay = settings.weight_decay, .clip_norm = 0});
  std::vector<Eigen::Index> order(x.rows());
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  Eigen::VectorXd grad = Eigen::VectorXd::Zero(net_.theta().size());
  for (int epoch = 0; epoch < settings.epochs; ++epoch) {
    Shuffle(rng, order);
    for (Eigen::Index start = 0; start < x.rows(); start += settings.batch) {
      const std::vector<Eigen::Index> rows(
          order.begin() + start, order.begin() + std::min<Eigen::Index>(x.rows(), start + settings.batch));
      net_.Loss(x(rows, Eigen::all), target(rows), &grad);
      optimiser.Step(net_.Blocks(grad));
    }
  }
  EXPERTLAB_CHECK(net_.theta().allFinite())
      << "mlp: training diverged (non-finite weights); lower lr";
}

Eigen::VectorXd MlpRegressor::Predict(const Eigen::MatrixXd& x) const {
  return (net_.Forward(x).array() * scale_ + mean_).matrix();
}

}  // namespace expertlab::cate
