// Linear base models for the meta-learners: ridge regression (closed form,
// unpenalised intercept) and ridge-penalised logistic regression (Newton's
// method / IRLS; Hastie, Tibshirani & Friedman, "The Elements of Statistical
// Learning", 2nd ed., Springer 2009, §3.4.1 Eq. 3.44 and §4.4.1 Eq. 4.26).
//
// Both minimise mean loss + lambda ||w||^2 (lambda >= 0).
#pragma once

#include <Eigen/Dense>

namespace expertlab::cate {

struct LinearModel {
  Eigen::VectorXd w;
  double b = 0;
  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const { return (x * w).array() + b; }
};

LinearModel FitRidge(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, double lambda);

// Logistic regression of actions (0/1 in `a`); Predict gives logits.
LinearModel FitLogistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& a, double lambda);

// sigmoid(logits) clipped to [clip, 1 - clip].
Eigen::VectorXd ClippedSigmoid(const Eigen::VectorXd& logits, double clip);

}  // namespace expertlab::cate
