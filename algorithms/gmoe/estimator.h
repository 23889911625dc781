// Family interface: estimators of a softmax Gaussian mixture of experts
// (model.h) from a sample of (x, y) pairs.
//
// An estimator starts from an initial model, whose gate, number of experts
// k and dimension d define the model fitted (exact-specified when k equals
// the true order, over-specified when larger), and returns the fitted
// model with its log-likelihood and whether it met its own convergence
// rule; a fit that stopped at its iteration cap is returned, flagged, never
// dropped. Estimators are deterministic given (sample, initial model).
#pragma once

#include <Eigen/Core>
#include <vector>

#include "algorithms/gmoe/model.h"
#include "sim/spec.h"

namespace expertlab::gmoe {

struct FitResult {
  Model model;
  double log_likelihood = 0;
  int iterations = 0;
  bool converged = false;
  std::vector<double> log_likelihood_trace;  // at the start and after each iteration
};

class MixtureEstimator : public HasEffectiveParams {
 public:
  static constexpr const char* kFamily = "mixture estimator";

  virtual FitResult Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                        const Model& init) const = 0;
};

}  // namespace expertlab::gmoe
