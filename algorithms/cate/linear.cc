#include "algorithms/cate/linear.h"

#include <cmath>

#include "sim/check.h"

namespace expertlab::cate {

LinearModel FitRidge(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, double lambda) {
  EXPERTLAB_CHECK(x.rows() >= 1 && x.rows() == y.size() && lambda >= 0)
      << "ridge: " << x.rows() << " rows, " << y.size() << " targets, lambda = " << lambda;
  const double n = static_cast<double>(x.rows());
  const Eigen::RowVectorXd mean = x.colwise().mean();
  const Eigen::MatrixXd centred = x.rowwise() - mean;
  const double y_mean = y.mean();
  Eigen::MatrixXd gram = centred.transpose() * centred / n;
  gram.diagonal().array() += lambda;
  LinearModel model;
  // Pseudo-solve: a rank-deficient Gram (an arm with fewer rows than
  // features and lambda = 0) gets the minimum-norm solution.
  model.w = gram.completeOrthogonalDecomposition().solve(centred.transpose() *
                                                         (y.array() - y_mean).matrix() / n);
  model.b = y_mean - mean.dot(model.w);
  return model;
}

LinearModel FitLogistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& a, double lambda) {
  EXPERTLAB_CHECK(x.rows() >= 1 && x.rows() == a.size() && lambda > 0)
      << "logistic: " << x.rows() << " rows, " << a.size() << " labels, lambda = " << lambda
      << "; expected lambda > 0 (separable data have no unpenalised optimum)";
  const Eigen::Index n = x.rows(), d = x.cols();
  Eigen::MatrixXd design(n, d + 1);
  design << x, Eigen::VectorXd::Ones(n);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(d + 1);
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(d + 1, 2 * lambda);
  penalty(d) = 0;
  for (int iteration = 0; iteration < 50; ++iteration) {
    const Eigen::VectorXd p = (1 + (-(design * theta)).array().exp()).inverse();
    const Eigen::VectorXd grad =
        design.transpose() * (p - a) / double(n) + penalty.cwiseProduct(theta);
    const Eigen::VectorXd curvature = (p.array() * (1 - p.array())).max(1e-12);
    Eigen::MatrixXd hessian = design.transpose() * curvature.asDiagonal() * design / double(n);
    hessian.diagonal() += penalty;
    hessian(d, d) += 1e-12;
    const Eigen::VectorXd step = hessian.ldlt().solve(grad);
    theta -= step;
    if (step.lpNorm<Eigen::Infinity>() < 1e-10) break;
  }
  return {theta.head(d), theta(d)};
}

Eigen::VectorXd ClippedSigmoid(const Eigen::VectorXd& logits, double clip) {
  return (1 + (-logits).array().exp()).inverse().max(clip).min(1 - clip);
}

}  // namespace expertlab::cate
